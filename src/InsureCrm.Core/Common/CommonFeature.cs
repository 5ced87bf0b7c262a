using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Common;

public static class CommonFeature
{
    /// <summary>The database (<see cref="CrmDatabase"/>, the EF context, the migrator) from configuration, the clock and the Korean business-day calendar.</summary>
    public static IServiceCollection AddCommon(this IServiceCollection services, IConfiguration configuration)
    {
        var options = DatabaseOptions.FromConfiguration(configuration);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        var database = new CrmDatabase(options);
        services.AddSingleton(options);
        services.AddSingleton(database);
        // Contexts are pooled: a request's context is one that served an earlier request, reset (change tracker, database
        // settings) when it was returned, rather than a new one whose EF services are resolved again for every request
        // (a tenth of the web host's CPU of a customer view, bench/findings/2026-12-04-issue11-round5.md).
        services.AddDbContextPool<CrmDbContext>(database.Configure);
        services.AddSingleton<Migrator>();
        services.AddSingleton(TimeProvider.System);
        var calendar = new BusinessCalendarOptions();
        configuration.GetSection(BusinessCalendarOptions.Section).Bind(calendar);
        services.AddSingleton(calendar);
        services.AddSingleton<KoreanBusinessCalendar>();
        return services;
    }
}
