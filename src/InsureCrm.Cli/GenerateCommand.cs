using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli;

internal static class GenerateCommand
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        _ = services;
        return new Command("generatecommand-todo") { Hidden = true };
    }
}
