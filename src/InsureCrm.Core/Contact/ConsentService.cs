using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Contact;

/// <summary>A consent statement to record: a grant (or re-confirmation) or a withdrawal for one channel.</summary>
/// <param name="Channel">The channel the statement is about.</param>
/// <param name="Granted">True for a grant or re-confirmation, false for a withdrawal (opt-out).</param>
/// <param name="NightTimeAllowed">The separate consent to messages between 21:00 and 08:00 (grants only).</param>
/// <param name="Source">Where it was captured: branch, web, call-center, paper (docs/consent.md).</param>
/// <param name="SeenLatestId">The newest row of the channel the user saw (0: none); a grant made on a stale view is refused.</param>
internal sealed record ConsentChange(ContactChannel Channel, bool Granted, bool NightTimeAllowed, string Source, long? SeenLatestId = null);

public enum ConsentRecordStatus { Recorded, NotFound, Forbidden, Invalid, Conflict }

internal sealed record ConsentRecordResult(ConsentRecordStatus Status, long? Id = null, string? Error = null);

/// <summary>Where a customer stands on one channel now.</summary>
public enum ConsentState { None, Granted, Expired, Withdrawn }

/// <summary>The in-force statement of one channel, for the customer page; <see cref="LatestId"/> feeds the form's stale check.</summary>
public sealed record ChannelConsent(
    ContactChannel Channel, ConsentState State, bool NightTimeAllowed, string? Source, DateTimeOffset? Since, DateOnly? LapsesOn, long LatestId);

/// <summary>
/// Records consent statements (append-only: an opt-out is a new row and takes effect at once) and answers
/// the contact policy for stored customers. Every outbound path calls <see cref="CheckAsync"/>.
/// </summary>
internal sealed class ConsentService(CrmDbContext db, ContactPolicy policy, FieldProtector protector, TimeProvider clock, CustomerScope scope, IAccessLog accessLog)
{
    /// <summary>The capture sources a user may record (imports bring their own).</summary>
    public static IReadOnlyList<string> Sources => ContactPolicy.CaptureSources;

    /// <summary>Why the scope is asked when a consent is changed: it is the customer's own request.</summary>
    public static readonly string ChangeReason = AccessReason.Compose(AccessReason.DataSubjectRequest, "consent change")!;

    /// <summary>
    /// Appends a consent row for <paramref name="customerId"/> as <paramref name="user"/> and logs the change.
    /// A withdrawal is always recorded; a grant is refused (<see cref="ConsentRecordStatus.Conflict"/>) when
    /// the channel gained a newer row since the user looked (<see cref="ConsentChange.SeenLatestId"/>), so a
    /// stale form can never undo an opt-out.
    /// </summary>
    /// <remarks><paramref name="reason"/> defaults to <see cref="ChangeReason"/>: a consent statement is the customer's own request.</remarks>
    public async Task<ConsentRecordResult> RecordAsync(CrmUser user, long customerId, ConsentChange change, string? reason = null, CancellationToken ct = default)
    {
        if (!user.Role.Allows(Capability.CustomersEdit))
        {
            return new(ConsentRecordStatus.Forbidden);
        }
        reason ??= ChangeReason;
        var reach = await scope.CheckAsync(user, customerId, "change consent", reason, ct);
        if (reach != Reach.Allowed)
        {
            return new(reach == Reach.Forbidden ? ConsentRecordStatus.Forbidden : ConsentRecordStatus.NotFound);
        }
        var source = (change.Source ?? "").Trim().ToLowerInvariant();
        if (!Enum.IsDefined(change.Channel) || !Sources.Contains(source))
        {
            return new(ConsentRecordStatus.Invalid, Error: Enum.IsDefined(change.Channel) ? "source" : "channel");
        }
        var now = clock.GetUtcNow();
        if (change.Granted && change.SeenLatestId is { } seen)
        {
            var latest = await db.MarketingConsents.AsNoTracking()
                .Where(c => c.CustomerId == customerId && c.Channel == change.Channel)
                .MaxAsync(c => (long?)c.Id, ct) ?? 0;
            if (latest != seen)
            {
                return new(ConsentRecordStatus.Conflict);
            }
        }
        var row = Statement(customerId, change.Channel, change.Granted, change.NightTimeAllowed, source, now);
        db.MarketingConsents.Add(row);
        await db.SaveChangesAsync(ct);
        await accessLog.RecordAsync(user, new AccessEvent(AccessAction.Change, customerId, reason,
            string.Create(CultureInfo.InvariantCulture,
                $"consent {change.Channel} {(change.Granted ? "granted" : "withdrawn")}{(row.NightTimeAllowed ? " night" : "")} ({source}) #{row.Id}")), ct);
        return new(ConsentRecordStatus.Recorded, row.Id);
    }

    /// <summary>
    /// Withdraws, as of now and with <paramref name="source"/>, every channel whose newest statement is a grant (lapsed
    /// or not). The rows are only added to <paramref name="unitOfWork"/>, so that they commit with the caller's
    /// transaction (an erasure is all or nothing); no scope check and no access-log line: the caller has checked the
    /// customer and logs the whole act.
    /// </summary>
    /// <returns>The number of channels withdrawn.</returns>
    public async Task<int> WithdrawEveryGrantAsync(CrmDbContext unitOfWork, long customerId, string source, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(unitOfWork);
        var rows = await unitOfWork.MarketingConsents.AsNoTracking().Where(m => m.CustomerId == customerId).ToListAsync(ct);
        var granted = rows.GroupBy(m => m.Channel)
            .Select(g => g.OrderByDescending(m => m.RecordedAt).ThenByDescending(m => m.Id).First())
            .Where(m => m.Granted).ToList();
        var now = clock.GetUtcNow();
        foreach (var m in granted)
        {
            unitOfWork.MarketingConsents.Add(Statement(customerId, m.Channel, granted: false, night: false, source, now));
        }
        return granted.Count;
    }

    /// <summary>A statement made now: it takes effect on the local date, and a grant lapses <see cref="ContactPolicy.ConsentYears"/> later.</summary>
    private MarketingConsent Statement(long customerId, ContactChannel channel, bool granted, bool night, string source, DateTimeOffset now)
    {
        var today = policy.LocalDate(now);
        return new MarketingConsent
        {
            CustomerId = customerId,
            Channel = channel,
            Granted = granted,
            NightTimeAllowed = granted && night,
            Source = source,
            RecordedAt = now.UtcDateTime,
            EffectiveFrom = today,
            ExpiresOn = granted ? today.AddYears(ContactPolicy.ConsentYears) : null,
        };
    }

    /// <summary>
    /// The contact policy for a stored customer: null when the customer does not exist (or was merged away).
    /// Callers that act for a user check the user's scope first; batch paths (campaigns, queues) call it directly.
    /// </summary>
    public async Task<ContactDecision?> CheckAsync(ContactRequest request, CancellationToken ct = default)
    {
        var customer = await db.Customers.AsNoTracking()
            .Where(c => c.Id == request.CustomerId && c.MergedIntoId == null)
            .Select(c => new { c.Id })
            .FirstOrDefaultAsync(ct);
        if (customer is null)
        {
            return null;
        }
        var consents = await db.MarketingConsents.AsNoTracking()
            .Where(c => c.CustomerId == request.CustomerId && c.Channel == request.Channel)
            .ToListAsync(ct);
        var registrations = await RegistrationsAsync(request, ct);
        return policy.Check(request, consents, registrations);
    }

    /// <summary>
    /// The contact policy for a batch of requests (the campaign sender's 100 at a time): one answer per request, in
    /// order, null where the customer does not exist or was merged away. A fixed number of queries whatever the batch
    /// size (live customers, their consent rows, their phones when a request names none, the do-not-call rows of those
    /// numbers), then the same pure <see cref="ContactPolicy.Check"/> as <see cref="CheckAsync"/>, so both always agree.
    /// </summary>
    public async Task<IReadOnlyList<ContactDecision?>> CheckManyAsync(IReadOnlyList<ContactRequest> requests, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }
        var ids = requests.Select(r => r.CustomerId).Distinct().ToList();
        var live = (await db.Customers.AsNoTracking()
            .Where(c => ids.Contains(c.Id) && c.MergedIntoId == null)
            .Select(c => c.Id)
            .ToListAsync(ct)).ToHashSet();
        var liveIds = live.ToList();
        var channels = requests.Select(r => r.Channel).Distinct().ToList();
        var consents = liveIds.Count == 0 ? [] : await db.MarketingConsents.AsNoTracking()
            .Where(c => liveIds.Contains(c.CustomerId) && channels.Contains(c.Channel))
            .ToListAsync(ct);
        var consentsOf = consents.ToLookup(c => (c.CustomerId, c.Channel));

        // The numbers each request is judged on: its own, or every number of the customer (as RegistrationsAsync does).
        var needsRegistry = requests.Where(r => live.Contains(r.CustomerId) && NeedsRegistry(r)).ToList();
        var phoneOwners = needsRegistry.Where(r => r.Phone is null).Select(r => r.CustomerId).Distinct().ToList();
        var phones = phoneOwners.Count == 0 ? [] : await db.CustomerPhones.AsNoTracking()
            .Where(p => phoneOwners.Contains(p.CustomerId))
            .Select(p => new { p.CustomerId, p.Number })
            .ToListAsync(ct);
        var phonesOf = phones.ToLookup(p => p.CustomerId, p => p.Number);
        List<string> NumbersOf(ContactRequest r) => r.Phone is { } phone ? [phone] : [.. phonesOf[r.CustomerId]];
        var hashes = needsRegistry.SelectMany(NumbersOf).Distinct()
            .Select(n => DoNotCall.HashOf(protector, n)).OfType<string>().Distinct().ToList();
        var registry = hashes.Count == 0 ? [] : await db.Set<DoNotCall>().AsNoTracking()
            .Where(d => hashes.Contains(d.PhoneHash))
            .Select(d => new { d.PhoneHash, Registration = new DoNotCallRegistration(d.RegisteredOn, d.ExpiresOn, d.Scope) })
            .ToListAsync(ct);
        var registryOf = registry.ToLookup(d => d.PhoneHash, d => d.Registration);

        var decisions = new ContactDecision?[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            if (!live.Contains(request.CustomerId))
            {
                continue;
            }
            var registrations = NeedsRegistry(request)
                ? NumbersOf(request).Select(n => DoNotCall.HashOf(protector, n)).OfType<string>().Distinct().SelectMany(h => registryOf[h]).ToList()
                : [];
            decisions[i] = policy.Check(request, consentsOf[(request.CustomerId, request.Channel)], registrations);
        }
        return decisions;
    }

    /// <summary>
    /// Records a withdrawal the customer made themselves, without a staff member (the unsubscribe link): it counts from
    /// this instant, so the next check answers <see cref="ContactReason.ConsentWithdrawn"/>. No scope check and no
    /// access-log line (the log records staff access); the consent row has no room for <paramref name="reason"/>, so
    /// the caller keeps it in its own history (a campaign event). A channel already withdrawn gets no second row.
    /// </summary>
    public async Task<ConsentRecordResult> RecordOptOutAsync(long customerId, ContactChannel channel, string source, string reason, CancellationToken ct = default)
    {
        var normalised = (source ?? "").Trim().ToLowerInvariant();
        if (!Enum.IsDefined(channel))
        {
            return new(ConsentRecordStatus.Invalid, Error: "channel");
        }
        if (!Sources.Contains(normalised))
        {
            return new(ConsentRecordStatus.Invalid, Error: "source");
        }
        if (string.IsNullOrWhiteSpace(reason))
        {
            return new(ConsentRecordStatus.Invalid, Error: "reason");
        }
        var exists = await db.Customers.AsNoTracking().AnyAsync(c => c.Id == customerId && c.MergedIntoId == null, ct);
        if (!exists)
        {
            return new(ConsentRecordStatus.NotFound);
        }
        var now = clock.GetUtcNow();
        var rows = await db.MarketingConsents.AsNoTracking().Where(c => c.CustomerId == customerId && c.Channel == channel).ToListAsync(ct);
        if (policy.InForce(rows, now) is { Granted: false } withdrawn)
        {
            return new(ConsentRecordStatus.Recorded, withdrawn.Id);
        }
        var row = Statement(customerId, channel, granted: false, night: false, normalised, now);
        db.MarketingConsents.Add(row);
        await db.SaveChangesAsync(ct);
        return new(ConsentRecordStatus.Recorded, row.Id);
    }

    private static bool NeedsRegistry(ContactRequest request) =>
        request.Purpose == ContactPurpose.Marketing && request.Channel is ContactChannel.Phone or ContactChannel.Sms;

    /// <summary>
    /// The contact policy for <paramref name="user"/>: their scope decides (an out-of-scope id is <see cref="Reach.NotFound"/>),
    /// and the look is logged as a view of the customer's consent.
    /// </summary>
    public async Task<(Reach Reach, ContactDecision? Decision)> CheckForAsync(CrmUser user, ContactRequest request, string? reason, CancellationToken ct = default)
    {
        var reach = await scope.CheckAsync(user, request.CustomerId, "view contact-check", reason, ct);
        if (reach != Reach.Allowed)
        {
            return (reach, null);
        }
        var decision = await CheckAsync(request, ct);
        await accessLog.RecordAsync(user, new AccessEvent(AccessAction.View, request.CustomerId, reason,
            $"contact-check {request.Channel} {request.Purpose}"), ct);
        return (decision is null ? Reach.NotFound : Reach.Allowed, decision);
    }

    /// <summary>Each channel's statement for <paramref name="user"/> (scope checked, logged as a view).</summary>
    public async Task<(Reach Reach, IReadOnlyList<ChannelConsent>? Consents)> StatusForAsync(CrmUser user, long customerId, string? reason, CancellationToken ct = default)
    {
        var reach = await scope.CheckAsync(user, customerId, "view consents", reason, ct);
        if (reach != Reach.Allowed)
        {
            return (reach, null);
        }
        var consents = await StatusAsync(customerId, clock.GetUtcNow(), ct);
        await accessLog.RecordAsync(user, new AccessEvent(AccessAction.View, customerId, reason, "consents"), ct);
        return (Reach.Allowed, consents);
    }

    /// <summary>Each channel's in-force statement at <paramref name="at"/>, in channel order (no scope check: callers have checked it).</summary>
    public async Task<IReadOnlyList<ChannelConsent>> StatusAsync(long customerId, DateTimeOffset at, CancellationToken ct = default)
    {
        var rows = await db.MarketingConsents.AsNoTracking().Where(c => c.CustomerId == customerId).ToListAsync(ct);
        var today = policy.LocalDate(at);
        return [.. Enum.GetValues<ContactChannel>().Select(channel =>
        {
            var mine = rows.Where(r => r.Channel == channel).ToList();
            var latestId = mine.Count == 0 ? 0 : mine.Max(r => r.Id);
            var row = policy.InForce(mine, at);
            if (row is null)
            {
                return new ChannelConsent(channel, ConsentState.None, false, null, null, null, latestId);
            }
            var lapses = row.Granted ? ContactPolicy.LapsesOn(row) : (DateOnly?)null;
            var state = !row.Granted ? ConsentState.Withdrawn : today >= lapses ? ConsentState.Expired : ConsentState.Granted;
            return new ChannelConsent(channel, state, row.Granted && row.NightTimeAllowed, row.Source, policy.EffectiveAt(row), lapses, latestId);
        })];
    }

    private async Task<List<DoNotCallRegistration>> RegistrationsAsync(ContactRequest request, CancellationToken ct)
    {
        if (request.Purpose != ContactPurpose.Marketing || request.Channel is not (ContactChannel.Phone or ContactChannel.Sms))
        {
            return [];
        }
        List<string> numbers = request.Phone is { } phone
            ? [phone]
            : await db.CustomerPhones.AsNoTracking().Where(p => p.CustomerId == request.CustomerId).Select(p => p.Number).ToListAsync(ct);
        var hashes = numbers.Select(n => DoNotCall.HashOf(protector, n)).OfType<string>().Distinct().ToList();
        if (hashes.Count == 0)
        {
            return [];
        }
        return await db.Set<DoNotCall>().AsNoTracking()
            .Where(d => hashes.Contains(d.PhoneHash))
            .Select(d => new DoNotCallRegistration(d.RegisteredOn, d.ExpiresOn, d.Scope))
            .ToListAsync(ct);
    }
}
