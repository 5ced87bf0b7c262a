using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.CustomerView;

public static class CustomerViewFeature
{
    /// <summary>The single customer view. It has no options: the sections it shows come from the features below it.</summary>
    public static IServiceCollection AddCustomerView(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<CustomerViewService>();
        return services;
    }
}
