using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Worklists;

/// <summary>The verbs of the Worklists feature: <c>worklist build</c>, <c>worklist show</c>.</summary>
internal static class WorklistsCli
{
    public static RootCommand AddWorklistsCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        root.Subcommands.Add(WorklistCommands.Create(services));
        return root;
    }
}
