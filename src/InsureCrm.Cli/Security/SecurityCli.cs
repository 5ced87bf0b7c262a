using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Security;

/// <summary>The verbs of the Security feature: <c>access-log verify|review|purge</c> and <c>users ...</c> (accounts).</summary>
internal static class SecurityCli
{
    public static RootCommand AddSecurityCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        root.Subcommands.Add(AccessLogCommands.Create(services));
        root.Subcommands.Add(UserCommands.Create(services));
        return root;
    }
}
