using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli;

internal static class ImportCommand
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        _ = services;
        return new Command("importcommand-todo") { Hidden = true };
    }
}
