using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Common;

/// <summary>The verbs of Core's Common feature: <c>db migrate</c>, <c>db status</c>, <c>db model-script</c>.</summary>
internal static class CommonCli
{
    public static RootCommand AddCommonCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        root.Subcommands.Add(DbCommands.Create(services));
        return root;
    }
}
