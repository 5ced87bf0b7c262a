using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.CallCenter.Inbound;

/// <summary>
/// The verbs of the inbound console: <c>callcenter lookup</c> and <c>callcenter callbacks</c>, under the <c>callcenter</c>
/// command (made here when the outbound queues' verbs have not made it already, so either may register first).
/// </summary>
internal static class InboundCli
{
    public static RootCommand AddCallCenterInboundCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        var callcenter = root.Subcommands.FirstOrDefault(c => c.Name == InboundCommands.Group);
        if (callcenter is null)
        {
            callcenter = new Command(InboundCommands.Group, "The call center: inbound calls and callbacks");
            root.Subcommands.Add(callcenter);
        }
        InboundCommands.AddTo(callcenter, services);
        return root;
    }
}
