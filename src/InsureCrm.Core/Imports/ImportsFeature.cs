using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Imports;

public static class ImportsFeature
{
    /// <summary>The import service, which loads every kind of source file.</summary>
    public static IServiceCollection AddImports(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new ImportOptions();
        configuration.GetSection(ImportOptions.Section).Bind(options);
        services.AddSingleton(options);
        services.AddSingleton<ImportService>();
        return services;
    }
}
