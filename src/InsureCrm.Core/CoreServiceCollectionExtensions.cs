using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Everything Core offers to the web host and the CLI alike.</summary>
    public static IServiceCollection AddCrmCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCrmDatabase(configuration);
        var protection = new ProtectionOptions();
        configuration.GetSection(ProtectionOptions.Section).Bind(protection);
        services.AddSingleton(protection);
        services.AddSingleton<FieldProtector>();
        services.AddSingleton<Synthetic.SyntheticInsurer>();
        Customers.CustomersFeature.AddCustomers(services, configuration);
        services.AddScoped<DemoUsers>();
        services.AddScoped<Value.ValueAnalytics>().AddScoped<Value.SegmentAnalytics>().AddScoped<Value.ValueFigures>().AddScoped<Models.LapseWatch>();
        Identity.IdentityFeature.AddIdentity(services, configuration);
        services.AddSingleton<Imports.ImportService>();
        services.AddCrmAccounts(configuration);
        services.AddAccessControl(configuration);
        Privacy.PrivacyFeature.AddPrivacy(services, configuration);
        Contact.ContactFeature.AddContact(services, configuration);
        Value.ValueServiceCollectionExtensions.AddCustomerValue(services, configuration);
        Value.LifecycleServiceCollectionExtensions.AddLifecycleAndStrategy(services, configuration);
        Value.SegmentServiceCollectionExtensions.AddSegments(services, configuration);
        Models.InsurerModelServiceCollectionExtensions.AddInsurerModels(services, configuration);
        CustomerView.CustomerViewFeature.AddCustomerView(services, configuration);
        Nightly.NightlyFeature.AddNightly(services, configuration);
        return services;
    }
}
