using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Imports;

/// <summary>The verbs of the Imports feature: <c>import KIND FILE</c>.</summary>
internal static class ImportsCli
{
    public static RootCommand AddImportsCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        root.Subcommands.Add(ImportCommand.Create(services));
        return root;
    }
}
