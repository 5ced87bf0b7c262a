using System.CommandLine;
using System.Globalization;
using InsureCrm.Cli.Common;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc.Import;
using InsureCrm.Core.Voc.Mail;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Voc;

/// <summary>
/// The VOC channels from outside: <c>voc mail fetch</c> (one round of the mail intake from the configured <c>Voc:Mail</c>
/// source) and <c>voc import FILE [--kind regulator|mentions|letters] [--encoding]</c> (exit codes 0 all in, 2 some rows
/// refused (FILE.rejects.csv), 1 the file unreadable). Counts only on the console: never a name, phone or text.
/// </summary>
internal static class VocChannelCommands
{
    public static void AddTo(Command voc, Lazy<ServiceProvider> services)
    {
        var mail = new Command("mail", "The VOC inbox (Voc:Mail: an IMAP mailbox or a drop folder of .eml files)");
        mail.Subcommands.Add(MailFetch(services));
        voc.Subcommands.Add(mail);
        voc.Subcommands.Add(Import(services));
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static Command MailFetch(Lazy<ServiceProvider> services)
    {
        var fetch = new Command("fetch", "One round: open a case per new mail, confirm them to the source, set aside the ones refused; prints counts");
        fetch.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            if (await CliUser.ResolveAsync(pr, provider, Capability.VocWork, ct) is not { } user)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            if (scope.ServiceProvider.GetService<VocMailIntake>() is not { } intake)
            {
                await Console.Error.WriteLineAsync("No VOC mail source is configured: set Voc:Mail:Source to Imap or Drop (docs/voc-channels.md).");
                return 1;
            }
            var r = await intake.FetchAsync(ct);
            await provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Insert, null, null,
                I($"voc mail fetch: {r.Opened} opened, {r.Duplicates} already taken, {r.Refused} refused, {r.Unreadable} unreadable")), CancellationToken.None);
            Console.WriteLine(I($"Fetched {r.Fetched} mail(s): opened {r.Opened} case(s) ({r.Matched} matched to a customer), already taken {r.Duplicates}, refused {r.Refused}, unreadable {r.Unreadable}."));
            return r.Refused + r.Unreadable > 0 ? 2 : 0;
        });
        return fetch;
    }

    private static Command Import(Lazy<ServiceProvider> services)
    {
        var file = new Argument<string>("file") { Description = "CSV of regulator referrals, public web mentions or typed-in letters (docs/voc-channels.md)" };
        var kind = new Option<string?>("--kind") { Description = "regulator, mentions, letters or surveys; default: recognised from the header" };
        var encoding = new Option<string>("--encoding") { Description = "auto (strict UTF-8, else CP949), utf-8 or cp949 (EUC-KR)", DefaultValueFactory = _ => "auto" };
        var import = new Command("import", "Open a VOC case per row (regulator referrals with their deadline, web mentions, letters/faxes/postcards, survey comments); refused rows go to FILE.rejects.csv")
        {
            file, kind, encoding,
        };
        import.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            VocImportKind? k = null;
            if (pr.GetValue(kind) is { } kindText)
            {
                if (!Enum.TryParse<VocImportKind>(kindText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(kindText, out _))
                {
                    await Console.Error.WriteLineAsync($"--kind: '{kindText}' is not regulator, mentions, letters or surveys.");
                    return 1;
                }
                k = parsed;
            }
            if (EncodingOption.Parse(pr.GetValue(encoding)) is not { } enc)
            {
                await Console.Error.WriteLineAsync("Error: --encoding must be auto, utf-8 or cp949.");
                return 1;
            }
            var provider = services.Value;
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            if (await CliUser.ResolveAsync(pr, provider, Capability.DataImport, ct) is not { } user)
            {
                return 1;
            }
            var path = Path.GetFullPath(pr.GetValue(file)!);
            await using var scope = provider.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<VocImportService>().ImportAsync(path, k, enc, ct);
            if (result.Status == ImportStatus.Failed)
            {
                await Console.Error.WriteLineAsync($"Import failed, nothing was opened: {result.Error}");
                return result.ExitCode;
            }
            await provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Insert, null, null,
                I($"voc import {Path.GetFileName(path)}: opened {result.Opened}, already imported {result.Duplicates}, rejected {result.Rejected}")), CancellationToken.None);
            Console.WriteLine(I($"Imported {result.Kind?.ToString().ToLowerInvariant()} from {Path.GetFileName(path)} ({result.Encoding}): rows {result.Rows:N0}, opened {result.Opened:N0} case(s) ({result.Matched:N0} matched to a customer), already imported {result.Duplicates:N0}, rejected {result.Rejected:N0}{(result.WithoutText > 0 ? I($", without a comment (nothing to open) {result.WithoutText:N0}") : "")}."));
            if (result.RejectsPath is not null)
            {
                Console.WriteLine($"Rejected rows with line, column and reason: {result.RejectsPath}");
                foreach (var (line, column, reason) in result.FirstRejects)
                {
                    Console.WriteLine(I($"  line {line}, {column}: {reason}"));
                }
            }
            return result.ExitCode;
        });
        return import;
    }
}
