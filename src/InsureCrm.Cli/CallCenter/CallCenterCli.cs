using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.CallCenter;

/// <summary>The verbs of the CallCenter feature: <c>callcenter queues build|show</c>, <c>callcenter report</c>, <c>callcenter skills</c>.</summary>
internal static class CallCenterCli
{
    public static RootCommand AddCallCenterCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        root.Subcommands.Add(CallCenterCommands.Create(services));
        return root;
    }
}
