using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Nightly;

/// <summary>The verbs of the Nightly feature: <c>nightly run</c>.</summary>
internal static class NightlyCli
{
    public static RootCommand AddNightlyCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        root.Subcommands.Add(NightlyCommands.Create(services));
        return root;
    }
}
