using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.CallCenter;

/// <summary>What a queue build did: the items each queue got, those it kept from earlier days, the refusals by reason, the assignment.</summary>
public sealed record QueueBuildSummary(
    DateOnly AsOf, IReadOnlyDictionary<QueueKind, int> NewByKind, int Replaced, int Carried,
    IReadOnlyDictionary<string, int> Refused, int Assigned, int Unassigned, int Consultants, TimeSpan Elapsed, int Released = 0, int Expired = 0)
{
    public int New => NewByKind.Values.Sum();
}

/// <summary>
/// The day's outbound queues (issue 15, docs/callcenter.md). Each rule is one set-based query (no per-customer round trip):
/// happy calls for contracts issued in the last <see cref="CallCenterOptions.HappyCallDays"/> days, interest customers
/// (grades of the newest value run, no contact for N months), prospects (no active contract, an enquiry within 3 months),
/// lapse risks (the champion lapse score at or above the threshold, no agent action in 30 days) and the running campaigns'
/// call-list contacts. A customer already holding an open item of the queue is not queued again. Every candidate is then
/// judged by the contact policy (<see cref="ConsentService.CheckManyAsync"/>, phone, at the day's first working hour), in
/// batches; a refused one is not queued and counted under the policy's first reason. The new items are written in bulk and
/// handed to consultants (<see cref="QueueDistribution"/>). Idempotent per day: a rerun first deletes that day's items
/// nobody has worked yet, and keeps the worked ones.
/// </summary>
internal sealed class CallCenterQueueBuild(CrmDatabase database, CallCenterOptions options, ConsentService consents, ContactPolicy policy,
    ICampaignWorkLists campaignLists, KoreanBusinessCalendar calendar, TimeProvider clock, ILogger<CallCenterQueueBuild> logger)
{
    private const int Batch = 4000;

    /// <summary>The refusal counted for a candidate the policy does not know (merged away or erased since).</summary>
    public const string NoCustomer = "NoCustomer";

    internal static readonly ContractStatus[] Active = [ContractStatus.InForce, ContractStatus.Reinstated, ContractStatus.PaidUp];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Candidate(long CustomerId, QueueKind Kind, DateOnly DueOn, long? ContractId = null, long? CampaignId = null,
        long? CampaignContactId = null, DateTime? NotBefore = null)
    {
        public Dictionary<string, string> Facts { get; } = new(StringComparer.Ordinal);
    }

    public async Task<QueueBuildSummary> BuildAsync(DateOnly asOf, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        await using var db = database.CreateContext();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));

        // A rerun of the day replaces what nobody worked yet; their campaign contacts go back to the campaign's call list
        // until this run queues them again.
        var unworked = db.CallQueueItems.Where(i => i.EnteredOn == asOf && i.State == QueueItemState.Open && i.Attempts == 0);
        await campaignLists.HoldAsync(await unworked.Where(i => i.CampaignContactId != null).Select(i => i.CampaignContactId!.Value).ToListAsync(ct), false, ct);
        var replaced = await unworked.ExecuteDeleteAsync(ct);
        var expired = await ExpireAsync(db, asOf, ct);
        // Not queued again: a customer holding an open item of the queue, or whose item of the queue entered within the
        // queue's own window (a worked lapse-risk call is not an agent action, so the rule alone would queue them again).
        var longest = Enum.GetValues<QueueKind>().Max(Window);
        var recentFrom = asOf.AddDays(-longest);
        var existing = await db.CallQueueItems.AsNoTracking()
            .Where(i => i.State == QueueItemState.Open || i.State == QueueItemState.InProgress || i.EnteredOn >= recentFrom)
            .Select(i => new { i.CustomerId, i.Kind, i.CampaignId, i.EnteredOn, i.State }).ToListAsync(ct);
        var open = existing.Count(i => i.State is QueueItemState.Open or QueueItemState.InProgress);
        var held = existing.Where(i => i.State is QueueItemState.Open or QueueItemState.InProgress || i.EnteredOn >= asOf.AddDays(-Window(i.Kind)))
            .Select(i => (i.CustomerId, i.Kind, i.CampaignId)).ToHashSet();

        var candidates = new List<Candidate>();
        await HappyCallsAsync(db, asOf, candidates, ct);
        await InterestAsync(db, asOf, candidates, ct);
        await ProspectsAsync(db, asOf, candidates, ct);
        await LapseRisksAsync(db, asOf, candidates, ct);
        await CampaignListsAsync(db, asOf, candidates, ct);
        candidates = [.. candidates.Where(c => !held.Contains((c.CustomerId, c.Kind, c.CampaignId)))
            .DistinctBy(c => (c.CustomerId, c.Kind, c.CampaignId))];

        var refused = new Dictionary<string, int>(StringComparer.Ordinal);
        var admitted = new List<Candidate>(candidates.Count);
        // A build on a weekend or a public holiday queues its items for the next business day's morning (as retries and
        // call-backs are planned, CallPlanner): the contact policy judges them for that morning.
        var firstDay = calendar.IsBusinessDay(asOf) ? asOf : calendar.AddBusinessDays(asOf, 0);
        var morning = policy.MorningOf(firstDay);
        foreach (var chunk in candidates.Chunk(Batch))
        {
            var decisions = await consents.CheckManyAsync([.. chunk.Select(c => new ContactRequest(c.CustomerId, ContactChannel.Phone, PurposeOf(c.Kind), morning))], ct);
            for (var i = 0; i < chunk.Length; i++)
            {
                var reason = decisions[i] switch
                {
                    null => NoCustomer,
                    { Allowed: true } => null,
                    var d => d.Reasons[0].ToString(),
                };
                if (reason is null)
                {
                    admitted.Add(chunk[i]);
                }
                else
                {
                    refused[reason] = refused.GetValueOrDefault(reason) + 1;
                }
            }
        }

        var hours = await BestHoursAsync(db, [.. admitted.Select(c => c.CustomerId).Distinct()], ct);
        await using (var writer = await BulkWriter.BeginAsync(database, ct))
        {
            await writer.WriteAsync(Items, admitted, (row, c) =>
            {
                var at = QueueTime.PlannedAt(policy, firstDay, hours.GetValueOrDefault(c.CustomerId, options.BusinessHourStart));
                if (c.NotBefore is { } notBefore && notBefore > at)
                {
                    at = QueueTime.OutOfQuietHours(policy, new DateTimeOffset(notBefore, TimeSpan.Zero)).UtcDateTime;
                }
                row.Id(c.CustomerId).Enum(c.Kind).Id(c.ContractId).Id(c.CampaignId).Id(c.CampaignContactId).Date(asOf).Date(c.DueOn)
                    .Enum(QueueItemState.Open).Number(0).Time(at).Text(JsonSerializer.Serialize(c.Facts, Json)).Number(0);
            }, ct);
            await writer.CommitAsync(ct);
        }
        // The campaign's own call list (/campaigns/calls) no longer hands out the contacts the queue now holds.
        await campaignLists.HoldAsync([.. admitted.Where(c => c.CampaignContactId is not null).Select(c => c.CampaignContactId!.Value)], true, ct);
        var assignment = await QueueDistribution.AssignAsync(db, options, asOf, clock.GetUtcNow().UtcDateTime, ct);
        var byKind = Enum.GetValues<QueueKind>().ToDictionary(k => k, k => admitted.Count(c => c.Kind == k));
        var summary = new QueueBuildSummary(asOf, byKind, replaced, open, refused, assignment.Assigned, assignment.Unassigned,
            assignment.Consultants, watch.Elapsed, assignment.Released, expired);
        logger.LogInformation("Call queues as of {AsOf}: {New} new items ({Refused} refused by the contact policy), {Assigned} assigned to {Consultants} consultants, in {Ms} ms",
            asOf, summary.New, refused.Values.Sum(), assignment.Assigned, assignment.Consultants, watch.ElapsedMilliseconds);
        return summary;
    }

    /// <summary>The queues whose waiting items expire (<see cref="CallCenterOptions.ExpireDays"/>).</summary>
    internal static readonly QueueKind[] Expiring = [QueueKind.Interest, QueueKind.Prospect, QueueKind.LapseRisk];

    /// <summary>Closes as expired the items of <see cref="Expiring"/> still waiting <see cref="CallCenterOptions.ExpireDays"/> days past their due day.</summary>
    private async Task<int> ExpireAsync(CrmDbContext db, DateOnly asOf, CancellationToken ct)
    {
        if (options.ExpireDays == 0)
        {
            return 0;
        }
        var before = asOf.AddDays(-options.ExpireDays);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.CallQueueItems
            .Where(i => Expiring.Contains(i.Kind) && i.DueOn < before
                && (i.State == QueueItemState.Open
                    || (i.State == QueueItemState.InProgress && (i.LastOutcome == null || i.LastOutcome != CallOutcomeCode.CallBack))))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.State, QueueItemState.Expired).SetProperty(i => i.ClosedAt, now)
                .SetProperty(i => i.Version, i => i.Version + 1), ct);
    }

    /// <summary>Days after an item entered during which the same customer is not queued again in that queue (0: only while open).</summary>
    private int Window(QueueKind kind) => kind switch
    {
        QueueKind.Interest => options.InterestMonths * 30,
        QueueKind.Prospect => options.ProspectMonths * 30,
        QueueKind.LapseRisk => options.AgentQuietDays,
        _ => 0,
    };

    private static readonly BulkTable Items = new("call_queue_item",
        ("customer_id", typeof(long)), ("kind", typeof(string)), ("contract_id", typeof(long)), ("campaign_id", typeof(long)),
        ("campaign_contact_id", typeof(long)), ("entered_on", typeof(DateOnly)), ("due_on", typeof(DateOnly)), ("state", typeof(string)),
        ("attempts", typeof(int)), ("next_attempt_at", typeof(DateTime)), ("facts", typeof(string)), ("version", typeof(int)));

    /// <summary>Happy calls and retention calls maintain a contract; interest, prospect and campaign calls are marketing.</summary>
    public static ContactPurpose PurposeOf(QueueKind kind) => kind is QueueKind.HappyCall or QueueKind.LapseRisk
        ? ContactPurpose.ContractMaintenance : ContactPurpose.Marketing;

    private static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Every active contract issued in the last <see cref="CallCenterOptions.HappyCallDays"/> days without a happy call queued or made since issue.</summary>
    private async Task HappyCallsAsync(CrmDbContext db, DateOnly asOf, List<Candidate> into, CancellationToken ct)
    {
        var firstIssue = asOf.AddDays(1 - options.HappyCallDays);
        var rows = from k in db.Contracts.AsNoTracking()
                   join p in db.Products.AsNoTracking() on k.ProductId equals p.Id
                   where k.IssueDate >= firstIssue && k.IssueDate <= asOf && Active.Contains(k.Status)
                       && !db.Set<CallQueueItem>().Any(i => i.ContractId == k.Id && i.Kind == QueueKind.HappyCall)
                   select new { k.Id, k.CustomerId, k.IssueDate, Product = p.Name };
        var list = await rows.ToListAsync(ct);
        // A happy call recorded outside the queue (an interaction) since the issue counts as made.
        var customers = list.Select(r => r.CustomerId).Distinct().ToList();
        var called = new Dictionary<long, DateOnly>();
        foreach (var chunk in customers.Chunk(Batch))
        {
            var since = firstIssue.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddDays(-1);
            var done = await db.Interactions.AsNoTracking()
                .Where(i => chunk.Contains(i.CustomerId) && i.Purpose == InteractionPurpose.HappyCall && i.OccurredAt >= since)
                .GroupBy(i => i.CustomerId).Select(g => new { CustomerId = g.Key, Last = g.Max(i => i.OccurredAt) }).ToListAsync(ct);
            foreach (var d in done)
            {
                called[d.CustomerId] = DateOnly.FromDateTime(d.Last);
            }
        }
        foreach (var r in list.Where(r => !(called.TryGetValue(r.CustomerId, out var last) && last >= r.IssueDate)))
        {
            var c = new Candidate(r.CustomerId, QueueKind.HappyCall, r.IssueDate.AddDays(options.HappyCallDays), ContractId: r.Id);
            c.Facts["product"] = r.Product;
            c.Facts["issued"] = D(r.IssueDate);
            into.Add(c);
        }
    }

    /// <summary>Customers of the interest grades in the newest completed value run with no interaction for N months.</summary>
    private async Task InterestAsync(CrmDbContext db, DateOnly asOf, List<Candidate> into, CancellationToken ct)
    {
        var run = await db.Set<ValueRun>().AsNoTracking().Where(r => r.Status == ValueRunStatus.Completed)
            .OrderByDescending(r => r.RunDate).ThenByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
        if (run is null)
        {
            return;
        }
        var grades = options.InterestGrades.Select(g => g.ToString()).ToList();
        var since = asOf.AddMonths(-options.InterestMonths).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var rows = db.Set<CustomerValue>().AsNoTracking()
            .Where(v => v.RunId == run && v.Grade != null && grades.Contains(v.Grade)
                && db.Set<Customer>().Any(c => c.Id == v.CustomerId && c.MergedIntoId == null)
                && !db.Set<Interaction>().Any(i => i.CustomerId == v.CustomerId && i.OccurredAt >= since))
            .Select(v => new { v.CustomerId, v.Grade });
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            var c = new Candidate(r.CustomerId, QueueKind.Interest, asOf.AddDays(options.DueDays));
            c.Facts["grade"] = r.Grade!;
            c.Facts["months"] = options.InterestMonths.ToString(CultureInfo.InvariantCulture);
            into.Add(c);
        }
    }

    /// <summary>
    /// Prospects: customers without an active contract who made an enquiry (an interaction of purpose Inquiry) within
    /// <see cref="CallCenterOptions.ProspectMonths"/> months. The data model has no prospect record of its own; this is the
    /// definition the queue uses (docs/callcenter.md).
    /// </summary>
    private async Task ProspectsAsync(CrmDbContext db, DateOnly asOf, List<Candidate> into, CancellationToken ct)
    {
        var since = asOf.AddMonths(-options.ProspectMonths).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var until = asOf.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var rows = db.Interactions.AsNoTracking()
            .Where(i => i.Purpose == InteractionPurpose.Inquiry && i.OccurredAt >= since && i.OccurredAt < until
                && db.Set<Customer>().Any(c => c.Id == i.CustomerId && c.MergedIntoId == null)
                && !db.Set<Contract>().Any(k => k.CustomerId == i.CustomerId && Active.Contains(k.Status)))
            .GroupBy(i => i.CustomerId)
            .Select(g => new { CustomerId = g.Key, Last = g.Max(i => i.OccurredAt) });
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            var c = new Candidate(r.CustomerId, QueueKind.Prospect, asOf.AddDays(options.DueDays));
            c.Facts["enquired"] = D(DateOnly.FromDateTime(r.Last));
            into.Add(c);
        }
    }

    /// <summary>
    /// Lapse risks: the champion <c>lapse-contract</c> score (the customer's riskiest active contract), else the customer
    /// <c>lapse</c> score, at or above the threshold, and no interaction by an agent in <see cref="CallCenterOptions.AgentQuietDays"/> days.
    /// </summary>
    private async Task LapseRisksAsync(CrmDbContext db, DateOnly asOf, List<Candidate> into, CancellationToken ct)
    {
        var min = options.LapseThreshold;
        var quietSince = asOf.AddDays(-options.AgentQuietDays).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var best = new Dictionary<long, (long? ContractId, double Score, string? Product)>();
        if (await ChampionScores.NewestRunAsync(db, InsurerModels.LapseContract.Name, ct) is { } run)
        {
            var rows = from s in db.Set<ContractModelScore>().AsNoTracking()
                       join k in db.Contracts.AsNoTracking() on s.ContractId equals k.Id
                       join p in db.Products.AsNoTracking() on k.ProductId equals p.Id
                       where s.RunId == run.RunId && s.Eligible && s.Score >= min && Active.Contains(k.Status)
                           && !db.Set<Interaction>().Any(i => i.CustomerId == k.CustomerId && i.AgentId != null && i.OccurredAt >= quietSince)
                       select new { s.ContractId, k.CustomerId, s.Score, Product = p.Name };
            await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
            {
                if (!best.TryGetValue(r.CustomerId, out var b) || r.Score > b.Score)
                {
                    best[r.CustomerId] = (r.ContractId, r.Score, r.Product);
                }
            }
        }
        else if (await ChampionScores.NewestRunAsync(db, InsurerModels.Lapse.Name, ct) is { } customerRun)
        {
            var rows = db.Set<CustomerModelScore>().AsNoTracking()
                .Where(s => s.RunId == customerRun.RunId && s.Eligible && s.Score >= min
                    && !db.Set<Interaction>().Any(i => i.CustomerId == s.CustomerId && i.AgentId != null && i.OccurredAt >= quietSince))
                .Select(s => new { s.CustomerId, s.Score });
            await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
            {
                best[r.CustomerId] = (null, r.Score, null);
            }
        }
        foreach (var (customer, b) in best)
        {
            var c = new Candidate(customer, QueueKind.LapseRisk, asOf.AddDays(options.DueDays), ContractId: b.ContractId);
            c.Facts["score"] = b.Score.ToString("0.00", CultureInfo.InvariantCulture);
            if (b.Product is not null)
            {
                c.Facts["product"] = b.Product;
            }
            into.Add(c);
        }
    }

    /// <summary>The call-list contacts of running (approved) campaigns that are released and not yet worked.</summary>
    private async Task CampaignListsAsync(CrmDbContext db, DateOnly asOf, List<Candidate> into, CancellationToken ct)
    {
        var rows = from x in db.CampaignContacts.AsNoTracking()
                   join c in db.Campaigns.AsNoTracking() on x.CampaignId equals c.Id
                   where x.Channel == CampaignChannelKind.CallList && x.State == CampaignContactState.Released && c.State == CampaignState.Running
                       && !db.Set<CallQueueItem>().Any(i => i.CampaignContactId == x.Id)
                   select new { x.Id, x.CampaignId, x.CustomerId, x.PlannedAt, c.Code, c.Name };
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            var c = new Candidate(r.CustomerId, QueueKind.Campaign, asOf.AddDays(options.DueDays), CampaignId: r.CampaignId, CampaignContactId: r.Id,
                NotBefore: r.PlannedAt);
            c.Facts["campaign"] = r.Code;
            c.Facts["campaignName"] = r.Name;
            into.Add(c);
        }
    }

    /// <summary>Each customer's best hour from their preferred contact time (morning 10, afternoon 14, evening 19); none: business hours.</summary>
    private static async Task<Dictionary<long, int>> BestHoursAsync(CrmDbContext db, List<long> customers, CancellationToken ct)
    {
        var result = new Dictionary<long, int>();
        foreach (var chunk in customers.Chunk(Batch))
        {
            var rows = await db.Customers.AsNoTracking().Where(c => chunk.Contains(c.Id) && c.PreferredContactTime != ContactTime.Any)
                .Select(c => new { c.Id, c.PreferredContactTime }).ToListAsync(ct);
            foreach (var r in rows)
            {
                if (QueueTime.BestHour(r.PreferredContactTime) is { } h)
                {
                    result[r.Id] = h;
                }
            }
        }
        return result;
    }
}
