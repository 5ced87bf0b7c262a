using System.CommandLine;
using InsureCrm.Cli.CallCenter;
using InsureCrm.Cli.CallCenter.Inbound;
using InsureCrm.Cli.Campaigns;
using InsureCrm.Cli.Common;
using InsureCrm.Cli.Contact;
using InsureCrm.Cli.Identity;
using InsureCrm.Cli.Imports;
using InsureCrm.Cli.Models;
using InsureCrm.Cli.Nightly;
using InsureCrm.Cli.Orphans;
using InsureCrm.Cli.Privacy;
using InsureCrm.Cli.Security;
using InsureCrm.Cli.Synthetic;
using InsureCrm.Cli.Value;
using InsureCrm.Cli.Voc;
using InsureCrm.Cli.Worklists;
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
        // Each feature adds its verbs, in the order `insurecrm --help` lists them.
        root.AddCommonCli(services)
            .AddSyntheticCli(services)
            .AddImportsCli(services)
            .AddIdentityCli(services)
            .AddContactCli(services)
            .AddSecurityCli(services)
            .AddValueCli(services)
            .AddNightlyCli(services)
            .AddModelsCli(services)
            .AddCampaignsCli(services)
            .AddWorklistsCli(services)
            .AddOrphansCli(services)
            .AddCallCenterCli(services)
            .AddVocCli(services)
            .AddCallCenterInboundCli(services)
            .AddPrivacyCli(services);
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
