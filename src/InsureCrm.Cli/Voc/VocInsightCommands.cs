using System.CommandLine;
using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc.Insight;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Voc;

/// <summary>
/// <c>insurecrm voc digest [--week YYYY-MM-DD] [--send] --as USER</c> (<c>voc:report</c>): the week's digest as text; with
/// <c>--send</c> it goes to <c>Voc:Digest:Recipients</c> through the campaigns' mail transport. Texts are masked.
/// </summary>
internal static class VocInsightCommands
{
    public static Command AddTo(Command voc, Lazy<ServiceProvider> services)
    {
        ArgumentNullException.ThrowIfNull(voc);
        voc.Subcommands.Add(Digest(services));
        return voc;
    }

    private static Command Digest(Lazy<ServiceProvider> services)
    {
        var week = new Option<string?>("--week") { Description = "A day of the week (yyyy-MM-dd, Korea); default the last whole week (Monday to Sunday)" };
        var send = new Option<bool>("--send") { Description = "Send it to Voc:Digest:Recipients (SMTP or the pickup folder, as Campaigns:Email says), each in the language its entry names (en:…, zh-TW:…; Korean otherwise)" };
        var language = new Option<string>("--language") { Description = "The language printed: ko (default), en or zh-TW", DefaultValueFactory = _ => "ko" };
        var digest = new Command("digest", "The weekly VOC digest for executives: volume by type vs the week before, SLA, top 5 categories with masked examples, breaches, repeats, compliments") { week, send, language };
        digest.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var lang = pr.GetValue(language) ?? "ko";
            if (!VocDigest.Languages.Contains(lang))
            {
                Console.Error.WriteLine($"--language: '{lang}' is not one of ko, en, zh-TW.");
                return 1;
            }
            DateOnly? day = null;
            if (pr.GetValue(week) is { } w)
            {
                if (!DateOnly.TryParseExact(w, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                {
                    Console.Error.WriteLine($"--week: '{w}' is not a date like 2027-03-01.");
                    return 1;
                }
                day = d;
            }
            var provider = services.Value;
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            if (await CliUser.ResolveAsync(pr, provider, Capability.VocReport, ct) is not { } user)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            var builder = scope.ServiceProvider.GetRequiredService<VocDigest>();
            var monday = builder.WeekOf(day);
            var data = await builder.BuildAsync(monday, ct);
            await provider.GetRequiredService<IAccessLog>().RecordAsync(user,
                new AccessEvent(AccessAction.View, null, null, string.Create(CultureInfo.InvariantCulture, $"voc digest {monday:yyyy-MM-dd}")), ct);
            Console.WriteLine(VocDigest.Text(data, lang));
            if (!pr.GetValue(send))
            {
                return 0;
            }
            var sent = await scope.ServiceProvider.GetRequiredService<VocDigestSender>().SendAsync(monday, ct);
            if (sent == 0)
            {
                Console.Error.WriteLine("Not sent: no recipients configured (Voc:Digest:Recipients, e.g. Voc__Digest__Recipients=\"ceo@example.com,en:cfo@example.com\").");
                return 1;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Sent to {sent} recipients."));
            return 0;
        });
        return digest;
    }
}
