using InsureCrm.Core.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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

        services.AddOptions<UserSessionOptions>().Configure(o => configuration.GetSection(UserSessionOptions.Section).Bind(o)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AccessRightsOptions>().Configure(o => configuration.GetSection(AccessRightsOptions.Section).Bind(o)).ValidateDataAnnotations().ValidateOnStart();
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
