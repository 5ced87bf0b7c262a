using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Orphans;

/// <summary>The verbs of the Orphans feature: <c>agents terminate|return</c> and <c>orphans detect|assign|report|reassign|contact|coverage</c>.</summary>
internal static class OrphansCli
{
    public static RootCommand AddOrphansCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        root.Subcommands.Add(AgentCommands.Create(services));
        root.Subcommands.Add(OrphanCommands.Create(services));
        return root;
    }
}
