using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Customers;

public static class CustomersFeature
{
    /// <summary>The customer record: search, edits, data scopes, unmasking and identifiers.</summary>
    public static IServiceCollection AddCustomers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<CustomerSearch>().AddScoped<CustomerEdit>().AddScoped<CustomerScope>().AddScoped<CustomerUnmask>()
            .AddScoped<CustomerIdentifiers>();
        return services;
    }
}
