using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Synthetic;

/// <summary>The verbs of the Synthetic feature: <c>generate</c> (the demo insurer).</summary>
internal static class SyntheticCli
{
    public static RootCommand AddSyntheticCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        root.Subcommands.Add(GenerateCommand.Create(services));
        return root;
    }
}
