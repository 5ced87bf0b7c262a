using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Privacy;

/// <summary>The verbs of the Privacy feature: <c>privacy purge</c> (the retention purge of erased customers) and, for now, <c>keys status</c> and <c>keys rotate</c>.</summary>
internal static class PrivacyCli
{
    public static RootCommand AddPrivacyCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        foreach (var command in PrivacyCommands.Create(services))
        {
            root.Subcommands.Add(command);
        }
        return root;
    }
}
