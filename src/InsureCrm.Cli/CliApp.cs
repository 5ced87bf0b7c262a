using System.CommandLine;
using InsureCrm.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Cli;

/// <summary>
/// The <c>insurecrm</c> command. Exit codes: 0 success, 1 fatal error (nothing written; also an unknown,
/// inactive or unauthorised <c>--as</c> account), 2 partial success (some input rejected; see the rejects
/// file), 3 access log chain broken.
/// </summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, IConfiguration? configurationOverride = null)
    {
        var root = new RootCommand("InsureCRM: customer relationship management for insurers");
        var services = new Lazy<ServiceProvider>(() => BuildServices(configurationOverride));
        root.Subcommands.Add(DbCommands.Create(services));
        root.Subcommands.Add(GenerateCommand.Create(services));
        root.Subcommands.Add(ImportCommand.Create(services));
        root.Subcommands.Add(IdentityCommands.Create(services));
        root.Subcommands.Add(ConsentCommands.Create(services));
        root.Subcommands.Add(AccessLogCommands.Create(services));
        root.Subcommands.Add(UserCommands.Create(services));
        root.Subcommands.Add(ValueCommands.Create(services));
        root.Subcommands.Add(NightlyCommands.Create(services));
        var model = ModelCommands.Create(TimeProvider.System);
        InsurerModelCommands.AddTo(model, services);
        root.Subcommands.Add(model);
        foreach (var command in PrivacyCommands.Create(services))
        {
            root.Subcommands.Add(command);
        }
        root.Options.Add(CliUser.AsOption);
        try
        {
            return await root.Parse(args).InvokeAsync();
        }
        finally
        {
            if (services.IsValueCreated)
            {
                await services.Value.DisposeAsync();
            }
        }
    }

    private static ServiceProvider BuildServices(IConfiguration? configurationOverride)
    {
        var configuration = configurationOverride ?? new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(configuration);
        services.AddCrmCore(configuration);
        return services.BuildServiceProvider();
    }
}
