using System.CommandLine;
using System.Globalization;
using InsureCrm.Cli.Common;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Contact;

/// <summary>
/// <c>insurecrm consent dnc-import FILE --as USER [--encoding auto|utf-8|cp949]</c>: loads the financial
/// do-not-call registry (docs/consent.md). Exit code 0 when every row loaded, 2 when some were rejected
/// (FILE.rejects.csv), 1 on a fatal error with nothing written. Numbers never appear on the console.
/// </summary>
internal static class ConsentCommands
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var consent = new Command("consent", "Marketing consent and the contact policy");

        var file = new Argument<string>("file") { Description = "CSV with phone, registered_on and optionally scope (all, phone, sms)" };
        var encoding = new Option<string>("--encoding")
        {
            Description = "auto (strict UTF-8, else CP949), utf-8 or cp949 (EUC-KR)",
            DefaultValueFactory = _ => "auto",
        };
        var import = new Command("dnc-import", "Import the financial do-not-call registry (두낫콜): blocks marketing calls and texts for 5 years")
        {
            file, encoding,
        };
        import.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var enc = EncodingOption.Parse(pr.GetValue(encoding));
            if (enc is null)
            {
                await Console.Error.WriteLineAsync("Error: --encoding must be auto, utf-8 or cp949.");
                return 1;
            }
            var user = await CliUser.ResolveAsync(pr, services.Value, Capability.DataImport, ct);
            if (user is null)
            {
                return 1;
            }
            var path = Path.GetFullPath(pr.GetValue(file)!);
            await using var scope = services.Value.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<DoNotCallImport>().ImportAsync(path, "cli:" + user.UserName, enc.Value, ct);
            if (result.Status == ImportStatus.Failed)
            {
                await Console.Error.WriteLineAsync($"Import failed, nothing was written: {result.Error}");
                return result.ExitCode;
            }
            await scope.ServiceProvider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Insert, null, null,
                string.Create(CultureInfo.InvariantCulture,
                    $"dnc-import {Path.GetFileName(path)}: new {result.Inserted}, unchanged {result.Unchanged}, rejected {result.Rejected}")), CancellationToken.None);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv,
                $"Imported the do-not-call registry from {Path.GetFileName(path)} ({result.Encoding}): read {result.Read:N0}, "
                + $"new {result.Inserted:N0}, unchanged {result.Unchanged:N0}, rejected {result.Rejected:N0}."));
            if (result.RejectsPath is not null)
            {
                Console.WriteLine($"Rejected rows with line, column and reason: {result.RejectsPath}");
                foreach (var (line, column, reason) in result.FirstRejects)
                {
                    Console.WriteLine(string.Create(inv, $"  line {line}, {column}: {reason}"));
                }
            }
            return result.ExitCode;
        });
        consent.Subcommands.Add(import);
        return consent;
    }
}
