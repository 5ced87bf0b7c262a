using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Value;

/// <summary>The verbs of the Value feature: <c>value run</c>.</summary>
internal static class ValueCli
{
    public static RootCommand AddValueCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        root.Subcommands.Add(ValueCommands.Create(services));
        return root;
    }
}
