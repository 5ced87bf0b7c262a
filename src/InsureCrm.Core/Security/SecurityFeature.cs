using System.ComponentModel.DataAnnotations;
using InsureCrm.Core.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Security;

public static class SecurityFeature
{
    /// <summary>
    /// Field encryption and its keys; accounts, sessions and access-right administration; the access log (options
    /// validated now, at start-up) with its key, switch-over step, review and nightly vacuum; the demo logins.
    /// </summary>
    public static IServiceCollection AddSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var protection = new ProtectionOptions();
        configuration.GetSection(ProtectionOptions.Section).Bind(protection);
        services.AddSingleton(protection);
        services.AddSingleton<FieldProtector>();
        services.AddSingleton<ProtectionKeyCheck>();

        services.AddOptions<UserSessionOptions>().Configure(o => configuration.GetSection(UserSessionOptions.Section).Bind(o)).ValidateDataAnnotations().ValidateOnStart();
        // Validated now, like the access log's options: a refusal here is the one exception the host's start sees
        // (a ValidateOnStart failure raced the host's disposal and could surface as ObjectDisposedException instead).
        var accessRights = new AccessRightsOptions();
        configuration.GetSection(AccessRightsOptions.Section).Bind(accessRights);
        Validator.ValidateObject(accessRights, new ValidationContext(accessRights), validateAllProperties: true);
        services.AddSingleton(Options.Create(accessRights));
        services.AddSingleton<SessionCheckCache>();
        services.AddScoped<UserSessions>().AddScoped<AccountAdmin>().AddScoped<AccountFigures>();

        var accessLog = new AccessLogOptions();
        configuration.GetSection(AccessLogOptions.Section).Bind(accessLog);
        accessLog.Validate();
        services.AddSingleton(accessLog);
        services.AddSingleton(sp => AccessLogKey.From(sp.GetRequiredService<ProtectionOptions>()));
        services.AddSingleton<AccessLog>().AddSingleton<IAccessLog>(sp => sp.GetRequiredService<AccessLog>());
        services.AddSingleton<IMigrationStep>(sp => new AccessLogSealStep(() => sp.GetRequiredService<AccessLogKey>()));
        services.AddScoped<AccessReview>();
        services.AddSingleton<INightlyStep, AccessLogVacuumStep>();

        services.AddScoped<DemoUsers>();
        return services;
    }
}
