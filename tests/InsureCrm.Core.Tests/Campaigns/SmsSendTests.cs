using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Tests;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using static InsureCrm.Core.Tests.Campaigns.EmailSendTests;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>
/// SMS through the sender against an in-process HTTP gateway that records every request (as in
/// <see cref="SmsGatewayTests"/>): each consented Test member gets one message of the right type, marked as advertising
/// with the opt-out number; an over-long one is blocked; a refusal fails one message, a server error stops the run in
/// doubt; nothing is ever sent twice; without a gateway the contacts wait.
/// </summary>
public sealed class SmsSendTests
{
    private const string OptOut = "0801234567";
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SendAsync_KoreanSmsAndEnglishLms_ArriveWithTheirType_TooLongBlocked_RerunSendsNothingTwice(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var seed = await SmsSeed.CampaignAsync(ctx);
        await using var gateway = RecordingGateway.Start();

        var first = await Sender(ctx, db, gateway.Client()).SendAsync(Marketer, new SendRequest(seed.CampaignId, CampaignChannelKind.Sms));
        var again = await Sender(ctx, db, gateway.Client()).SendAsync(Marketer, new SendRequest(seed.CampaignId));

        first.IsOk.ShouldBeTrue();
        first.Value!.Released.ShouldBe(4);
        first.Value.Sent.ShouldBe(2);
        first.Value.Blocked.ShouldBe(2);
        first.Value.BlockedByReason.ShouldBe(new Dictionary<string, int> { ["NoConsent"] = 1, [nameof(CampaignBlockReason.MessageTooLong)] = 1 }, ignoreOrder: true);
        again.Value!.Released.ShouldBe(0);
        again.Value.Sent.ShouldBe(0);
        gateway.Received.Count.ShouldBe(2);

        var ko = gateway.Received.Single(r => r.To == SmsSeed.Mobile(0));
        ko.Type.ShouldBe("SMS");
        ko.Text.ShouldBe("(광고) 김민지님 건강보험 점검 안내\n무료수신거부 " + OptOut);
        ko.ClientRef.ShouldBe($"{seed.CampaignId}:{seed.Customers[0]}:Sms:1");
        var en = gateway.Received.Single(r => r.To == SmsSeed.Mobile(1));
        en.Type.ShouldBe("LMS");
        en.Text.ShouldStartWith("(광고) Dear John Smith,");
        en.Text.ShouldEndWith("Opt out free " + OptOut);
        en.Text.ShouldNotContain("{{");
        SmsLength.Bytes(en.Subject!).ShouldBeLessThanOrEqualTo(SmsLength.LmsSubjectBytes);
        en.Subject.ShouldStartWith("(광고) John Smith");

        var tooLong = await ctx.CampaignContacts.AsNoTracking().SingleAsync(c => c.CustomerId == seed.Customers[2]);
        tooLong.State.ShouldBe(CampaignContactState.Blocked);
        tooLong.Reasons.ShouldBe(nameof(CampaignBlockReason.MessageTooLong));
        (await ctx.Interactions.CountAsync(i => i.Channel == InteractionChannel.Sms && i.Purpose == InteractionPurpose.Campaign)).ShouldBe(2);
        (await ctx.CampaignContacts.AsNoTracking().Where(c => c.State == CampaignContactState.Sent).Select(c => c.MessageRef).ToListAsync())
            .ShouldBe([ko.ClientRef, en.ClientRef], ignoreOrder: true);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SendAsync_GatewayRefusesOneAndFailsTheNext_RefusalFails_ServerErrorInDoubtStopsTheRun_RerunSendsOnlyTheRest(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var seed = await SmsSeed.CampaignAsync(ctx, koreanOnly: true);
        await using var failing = RecordingGateway.Start(to => to == SmsSeed.Mobile(0) ? 400 : to == SmsSeed.Mobile(1) ? 503 : 200);

        var stopped = await Sender(ctx, db, failing.Client()).SendAsync(Marketer, new SendRequest(seed.CampaignId, CampaignChannelKind.Sms));

        stopped.Value!.Failed.ShouldBe(1);
        stopped.Value.InDoubt.ShouldBe(1);
        stopped.Value.Sent.ShouldBe(0);
        failing.Received.Select(r => r.To).ShouldBe([SmsSeed.Mobile(0), SmsSeed.Mobile(1)]);
        var states = await ctx.CampaignContacts.AsNoTracking().ToDictionaryAsync(c => c.CustomerId, c => (c.State, c.Error));
        states[seed.Customers[0]].ShouldBe((CampaignContactState.Failed, "sms-400"));
        states[seed.Customers[1]].ShouldBe((CampaignContactState.InDoubt, "sms-503"));
        states[seed.Customers[2]].State.ShouldBe(CampaignContactState.Pending);

        await using var healthy = RecordingGateway.Start();
        var rerun = await Sender(ctx, db, healthy.Client()).SendAsync(Marketer, new SendRequest(seed.CampaignId, CampaignChannelKind.Sms));

        rerun.Value!.Sent.ShouldBe(1);
        healthy.Received.Select(r => r.To).ShouldBe([SmsSeed.Mobile(2)]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SendAsync_NoGateway_KeepsSmsContactsPendingAndCountsThem_ThenAGatewaySendsThem(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var seed = await SmsSeed.CampaignAsync(ctx, koreanOnly: true);

        var waiting = await Sender(ctx, db, null).SendAsync(Marketer, new SendRequest(seed.CampaignId, CampaignChannelKind.Sms));

        waiting.IsOk.ShouldBeTrue();
        waiting.Value!.Sent.ShouldBe(0);
        waiting.Value.WaitingByReason.ShouldBe(new Dictionary<string, int> { [CampaignSender.NoSmsGateway] = 4 });
        (await ctx.CampaignContacts.AsNoTracking().CountAsync(c => c.State == CampaignContactState.Pending)).ShouldBe(4);

        await using var gateway = RecordingGateway.Start();
        var later = await Sender(ctx, db, gateway.Client()).SendAsync(Marketer, new SendRequest(seed.CampaignId, CampaignChannelKind.Sms));

        later.Value!.Sent.ShouldBe(3);
        later.Value.WaitingByReason.ShouldBeEmpty();
        gateway.Received.Count.ShouldBe(3);
    }

    private static CampaignSender Sender(CrmDbContext ctx, TestDatabase db, ISmsGateway? gateway)
    {
        var clock = new Fixed(Noon);
        var consents = new ConsentService(ctx, Policy, Seed.Protector, clock, new CustomerScope(ctx), CoreServices.Log(db, clock));
        var options = new CampaignsOptions
        {
            Sending = new SendingOptions { BatchSize = 10, Lease = TimeSpan.FromMinutes(10) },
            Sms = new SmsOptions { Url = "http://127.0.0.1/unused", OptOutNumber = OptOut },
        };
        return new CampaignSender(ctx, consents, new EmailTransportFactory(options), Seed.Protector, options, clock, NullLogger<CampaignSender>.Instance, gateway);
    }

    internal sealed record SmsSeeded(long CampaignId, IReadOnlyList<long> Customers);

    internal static class SmsSeed
    {
        public static string Mobile(int i) => $"0109999{i:0000}";

        /// <summary>
        /// A running campaign with SMS scripts in three languages and four Test members with mobiles (Hangul, Latin and
        /// Hanzi names with SMS consent, one Hangul without) and a Control member; <paramref name="koreanOnly"/> makes
        /// the three consented members Korean-named, so all get the short script.
        /// </summary>
        public static async Task<SmsSeeded> CampaignAsync(CrmDbContext ctx, bool koreanOnly = false)
        {
            var at = Noon.UtcDateTime;
            var campaign = new Campaign
            {
                Code = "C-S-1", Name = "SMS test", Theme = "t", Hypothesis = "h", State = CampaignState.Running, StartsOn = new(2026, 3, 1), EndsOn = new(2026, 3, 31),
                ControlShare = 0.2m, SplitSeed = 7, WindowDays = 30, CreatedAt = at, UpdatedAt = at, OwnerUserId = 1, AuthorUserId = 1,
            };
            ctx.Campaigns.Add(campaign);
            var people = new List<(string Name, NameScript Script, bool Consent, CampaignArm Arm)>
            {
                ("김민지", NameScript.Hangul, true, CampaignArm.Test),
                koreanOnly ? ("이서준", NameScript.Hangul, true, CampaignArm.Test) : ("John Smith", NameScript.Latin, true, CampaignArm.Test),
                koreanOnly ? ("최하늘", NameScript.Hangul, true, CampaignArm.Test) : ("陳美玲", NameScript.Hanzi, true, CampaignArm.Test),
                ("이없음", NameScript.Hangul, false, CampaignArm.Test),
                ("박대조", NameScript.Hangul, true, CampaignArm.Control),
            };
            var customers = people.Select(p => new Customer { Name = p.Name, NameScript = p.Script, CreatedAt = at, UpdatedAt = at }).ToList();
            ctx.Customers.AddRange(customers);
            await ctx.SaveChangesAsync();
            ctx.CampaignScripts.AddRange(
                Script(campaign.Id, ScriptLanguage.Korean, null, "(광고) {{name}}님 건강보험 점검 안내"),
                Script(campaign.Id, ScriptLanguage.English, "(광고) {{name}}, your health cover check",
                    "(광고) Dear {{name}}, your policies hold no health, critical-illness or cancer cover. Your agent has prepared a free check of what "
                    + "your family would need if you fell ill, and it takes twenty minutes. Opt out free {{opt_out_number}}"),
                Script(campaign.Id, ScriptLanguage.TraditionalChinese, null, "(광고) {{name}} 您好，" + string.Concat(Enumerable.Repeat("健康保障免費檢視。", 250))));
            for (var i = 0; i < people.Count; i++)
            {
                var id = customers[i].Id;
                ctx.CustomerPhones.Add(new CustomerPhone { CustomerId = id, Kind = PhoneKind.Mobile, Number = Mobile(i), IsPrimary = true });
                if (people[i].Consent)
                {
                    ctx.MarketingConsents.Add(new MarketingConsent
                    {
                        CustomerId = id, Channel = ContactChannel.Sms, Granted = true, NightTimeAllowed = false, Source = "branch",
                        RecordedAt = at.AddDays(-10), EffectiveFrom = DateOnly.FromDateTime(at.AddDays(-10)),
                    });
                }
                ctx.CampaignMembers.Add(new CampaignMember
                {
                    CampaignId = campaign.Id, CustomerId = id, Arm = people[i].Arm, Stratum = "Unscored", SplitHash = i, PlannedChannel = CampaignChannelKind.Sms,
                });
            }
            await ctx.SaveChangesAsync();
            ctx.ChangeTracker.Clear();
            return new SmsSeeded(campaign.Id, [.. customers.Select(c => c.Id)]);
        }

        private static CampaignScript Script(long campaignId, string language, string? subject, string body) => new()
        {
            CampaignId = campaignId, Channel = CampaignChannelKind.Sms, Language = language, Version = 1, Subject = subject, Body = body,
            CreatedBy = "marketer", CreatedAt = Noon.UtcDateTime,
        };
    }

    /// <summary>One request as the gateway received it.</summary>
    internal sealed record GatewayRequest(string? Auth, string To, string Type, string? Subject, string Text, string ClientRef);

    /// <summary>An HTTP SMS gateway on a free local port that records each request and answers with the status <c>status(to)</c>.</summary>
    internal sealed class RecordingGateway : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<GatewayRequest> _received = new();
        private readonly Func<string, int> _status;
        private readonly HttpClient _http = new();
        private readonly Task _serving;

        private RecordingGateway(Func<string, int> status)
        {
            _status = status;
            Url = $"http://127.0.0.1:{FreePort()}/send";
            _listener.Prefixes.Add(Url[..(Url.LastIndexOf('/') + 1)]);
            _listener.Start();
            _serving = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public IReadOnlyList<GatewayRequest> Received => [.. _received];

        public static RecordingGateway Start(Func<string, int>? status = null) => new(status ?? (_ => 200));

        public HttpSmsGateway Client() => new(_http, new SmsOptions { Url = Url, ApiKey = "key-1", Sender = "15880000", OptOutNumber = OptOut });

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using var reader = new StreamReader(context.Request.InputStream);
                var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement;
                var to = body.GetProperty("to").GetString()!;
                _received.Enqueue(new GatewayRequest(context.Request.Headers["Authorization"], to, body.GetProperty("type").GetString()!,
                    body.TryGetProperty("subject", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null,
                    body.GetProperty("text").GetString()!, body.GetProperty("clientRef").GetString()!));
                context.Response.StatusCode = _status(to);
                context.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            // The managed listener may leave a pending accept unfinished after Close; never wait on it for long.
            await Task.WhenAny(_serving, Task.Delay(TimeSpan.FromSeconds(5)));
            _http.Dispose();
        }

        private static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
    }
}
