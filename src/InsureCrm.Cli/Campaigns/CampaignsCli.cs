using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Campaigns;

/// <summary>The verbs of the Campaigns feature: <c>campaign list|show|create|approve|target-count|split|start|send|dm|attribute|results|holdout</c>.</summary>
internal static class CampaignsCli
{
    public static RootCommand AddCampaignsCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        root.Subcommands.Add(CampaignCommands.Create(services));
        return root;
    }
}
