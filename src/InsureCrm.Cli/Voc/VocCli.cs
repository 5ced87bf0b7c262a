using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Voc;

/// <summary>The verbs of the VOC feature: <c>voc list</c>, <c>voc show NUMBER</c>, <c>voc sla run</c>, <c>voc digest</c>.</summary>
internal static class VocCli
{
    public static RootCommand AddVocCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        root.Subcommands.Add(VocInsightCommands.AddTo(VocCommands.Create(services), services));
        return root;
    }
}
