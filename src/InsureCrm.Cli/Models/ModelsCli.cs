using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Models;

/// <summary>The verbs of the Models feature: <c>model ...</c>, the workbench on any CSV and the insurer models.</summary>
internal static class ModelsCli
{
    public static RootCommand AddModelsCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        var model = ModelCommands.Create(TimeProvider.System);
        InsurerModelCommands.AddTo(model, services);
        root.Subcommands.Add(model);
        return root;
    }
}
