using InsureCrm.Core.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.CallCenter;

/// <summary>The call center's outbound side (issue 15): options validated on start, the queue build, its nightly step, the queue service and the supervisor's reassignment.</summary>
public static class CallCenterFeature
{
    public static IServiceCollection AddCallCenter(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new CallCenterOptions();
        configuration.GetSection(CallCenterOptions.Section).Bind(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }
        services.AddSingleton(options);
        services.AddScoped<CallCenterQueueBuild>();
        services.AddScoped<CallPlanner>();
        services.AddScoped<CallQueues>();
        services.AddScoped<Reassign.QueueReassignment>();
        services.AddSingleton<INightlyStep, CallCenterQueueStep>();
        return services;
    }
}
