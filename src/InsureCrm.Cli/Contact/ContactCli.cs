using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Contact;

/// <summary>The verbs of the Contact feature: <c>consent dnc-import</c> (the do-not-call registry).</summary>
internal static class ContactCli
{
    public static RootCommand AddContactCli(this RootCommand root, Lazy<ServiceProvider> services)
    {
        root.Subcommands.Add(ConsentCommands.Create(services));
        return root;
    }
}
