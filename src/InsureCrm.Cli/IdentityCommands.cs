using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli;

internal static class IdentityCommands
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        _ = services;
        return new Command("identitycommands-todo") { Hidden = true };
    }
}
