using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Identity;

/// <summary>The verbs of the Identity feature: <c>identity resolve</c>, <c>identity merges</c>, <c>identity undo</c>.</summary>
internal static class IdentityCli
{
    public static RootCommand AddIdentityCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        root.Subcommands.Add(IdentityCommands.Create(services));
        return root;
    }
}
