using InsureCrm.Cli;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Models;

/// <summary>Runs <c>insurecrm</c> in-process with the console captured; callers belong to <see cref="ConsoleSwappingTests"/>.</summary>
internal static class CliConsole
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(IConfiguration config, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (originalOut, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (await CliApp.RunAsync(args, config), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }
}
