using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Common;

public static class CommonFeature
{
    /// <summary>The database (<see cref="CrmDatabase"/>, the EF context, the migrator) from configuration, and the clock.</summary>
    public static IServiceCollection AddCommon(this IServiceCollection services, IConfiguration configuration)
    {
        var options = DatabaseOptions.FromConfiguration(configuration);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        var database = new CrmDatabase(options);
        services.AddSingleton(options);
        services.AddSingleton(database);
        // The options are built once (singleton) rather than for every request's context.
        services.AddDbContext<CrmDbContext>(database.Configure, ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        services.AddSingleton<Migrator>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
