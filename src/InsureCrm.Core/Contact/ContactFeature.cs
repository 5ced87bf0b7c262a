using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Contact;

public static class ContactFeature
{
    /// <summary>Registers the contact policy (zone from <c>Privacy:TimeZone</c>, validated on start), the consent service and the do-not-call import.</summary>
    public static IServiceCollection AddContact(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new ContactPolicyOptions();
        configuration.GetSection(ContactPolicyOptions.Section).Bind(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        services.AddSingleton(options);
        services.AddSingleton(ContactPolicy.FromOptions(options));
        services.AddScoped<ConsentService>();
        services.AddScoped<DoNotCallImport>();
        return services;
    }
}
