using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Voc.Insight;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Voc;

/// <summary>VOC (issue 16): options validated on start, business hours, intake, the case service, the handlers' customer scope (<see cref="VocHandlerReach"/>), the SLA run and its nightly step, the classifier (its model cache, training and the nightly retraining step), the channels (mail source, public form guard).</summary>
public static class VocFeature
{
    public static IServiceCollection AddVoc(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new VocOptions();
        configuration.GetSection(VocOptions.Section).Bind(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }
        services.AddSingleton(options);
        services.AddSingleton<BusinessHours>();
        services.AddSingleton<VocClock>();
        services.AddScoped<VocIntake>();
        services.AddScoped<VocCases>();
        services.AddSingleton<ICustomerReachSource, VocHandlerReach>();
        services.AddScoped<VocIntakeCustomers>();
        services.AddScoped<VocSlaRun>();
        services.AddSingleton<INightlyStep, VocSlaStep>();
        services.AddSingleton<VocClassifierCache>();
        services.AddScoped<VocLearning>();
        services.AddSingleton<INightlyStep, VocLearnStep>();
        services.AddVocChannels(configuration);
        services.AddVocInsight(configuration);
        return services;
    }
}
