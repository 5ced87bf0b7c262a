using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Core.Common;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Voc;

public enum VocActionStatus { Done, Forbidden, NotFound, Invalid, Conflict }

/// <summary>The answer of a case action; <see cref="Error"/> names what was wrong (a code for the page's words).</summary>
public sealed record VocActionResult(VocActionStatus Status, string? Error = null)
{
    public static readonly VocActionResult Done = new(VocActionStatus.Done);
    public static readonly VocActionResult NotFound = new(VocActionStatus.NotFound);
    public static VocActionResult Forbidden(string why) => new(VocActionStatus.Forbidden, why);
    public static VocActionResult Invalid(string why) => new(VocActionStatus.Invalid, why);
}

/// <summary>What a resolution records: the answer, whether the callback was made, the root cause (code and text) and the service gap.</summary>
public sealed record VocResolution(string? Answer, bool CallbackDone, VocCause? Cause, string? CauseText, ServiceGap? Gap);

/// <summary>A case in a list: what the home pages and the CLI show (no personal data: the customer is an id).</summary>
public sealed record VocCaseRow(long Id, string Number, VocChannel Channel, VocType? Type, string? CategoryCode, VocSeverity Severity, VocState State,
    string? Subject, DateTime ReceivedAt, DateTime? FirstResponseDueAt, DateTime? FirstRespondedAt, DateTime? ResolutionDueAt, bool Breached,
    bool Paused, bool Escalated, long? ManagingDepartmentId, long? OwnerUserId, long? RepeatOfId = null);

/// <summary>The counts above a list: open cases, resolution due today (Seoul), breached, waiting for the customer.</summary>
public sealed record VocKpis(int Open, int DueToday, int Breached, int Waiting);

/// <summary>The intake form's prefill from an inbound contact; <see cref="ExistingCaseId"/> when a case was opened from it already.</summary>
public sealed record VocInboundPrefill(long InboundId, long CustomerId, string? Notes, string? Category, long? ExistingCaseId);

/// <summary>A case linked to another as a repeat of the same matter: its number, channel, when it came in and the matcher's score.</summary>
public sealed record VocRepeatLink(long Id, string Number, VocChannel Channel, DateTime ReceivedAt, double? Score);

/// <summary>A case with its timeline and what the viewer may do; <see cref="RepeatOf"/> the earlier case it repeats, <see cref="Repeats"/> the later ones that repeat it.</summary>
public sealed record VocCaseView(VocCase Case, IReadOnlyList<VocEvent> Timeline, IReadOnlyDictionary<long, VocDepartment> Departments,
    IReadOnlyDictionary<long, string> Users, VocCategory? Category, VocCategory? ParentCategory, bool CanWork, bool CanResolve)
{
    public VocRepeatLink? RepeatOf { get; init; }
    public IReadOnlyList<VocRepeatLink> Repeats { get; init; } = [];
    /// <summary>The suggested category's name (the suggestion may differ from the category set).</summary>
    public VocCategory? SuggestedCategory { get; init; }
    /// <summary>Who wrote and where to answer (decrypted), for those who work the case; null for others or when none was kept.</summary>
    public VocContact? ReplyTo { get; init; }
}

/// <summary>
/// The case's life after intake: first response, transfer (history kept), pause and resume of the clocks, resolution,
/// close, reopen, satisfaction; and the lists. Accountability: only the owner, the managing department's head or an admin
/// resolves or closes; members of the managing department work the case; who opened it sees it.
/// </summary>
public sealed class VocCases(CrmDbContext db, VocClock clock, VocOptions options, TimeProvider time, IAccessLog accessLog, FieldProtector protector)
{
    public const int MaxNoteLength = 2000;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private sealed record Standing(bool Sees, bool Works, bool Resolves);

    private async Task<Standing> StandingAsync(CrmUser user, VocCase c, CancellationToken ct)
    {
        if (user.Role == Role.Admin)
        {
            return new(true, true, true);
        }
        var departments = new[] { c.ManagingDepartmentId, c.ReceivingDepartmentId, c.OriginatingDepartmentId }.OfType<long>().ToArray();
        var heads = await db.VocDepartments.AsNoTracking().Where(d => departments.Contains(d.Id) && d.HeadUserId == user.UserId)
            .Select(d => d.Id).ToListAsync(ct);
        var member = c.ManagingDepartmentId is { } m
            && await db.VocDepartmentMembers.AsNoTracking().AnyAsync(x => x.DepartmentId == m && x.UserId == user.UserId, ct);
        var owner = c.OwnerUserId == user.UserId;
        var managingHead = c.ManagingDepartmentId is { } mh && heads.Contains(mh);
        var resolves = owner || managingHead;
        var works = resolves || member;
        return new(works || heads.Count > 0 || c.CreatedByUserId == user.UserId, works, resolves);
    }

    private async Task<(VocCase? Case, Standing? Standing)> LoadAsync(CrmUser user, long id, CancellationToken ct)
    {
        var c = await db.VocCases.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null)
        {
            return (null, null);
        }
        var standing = await StandingAsync(user, c, ct);
        return standing.Sees ? (c, standing) : (null, null);
    }

    /// <summary>The case for an action only those who work it may take; otherwise no case and the refusal (unknown, not theirs).</summary>
    private async Task<(VocCase? Case, VocActionResult? Refusal)> WorkedCaseAsync(CrmUser user, long id, CancellationToken ct)
    {
        var (c, s) = await LoadAsync(user, id, ct);
        return c is null ? (null, VocActionResult.NotFound) : !s!.Works ? (null, VocActionResult.Forbidden("not-yours")) : (c, null);
    }

    private void Event(VocCase c, VocEventKind kind, CrmUser user, string? note = null, long? fromDept = null, long? toDept = null, long? fromUser = null,
        long? toUser = null) =>
        db.VocEvents.Add(new VocEvent
        {
            CaseId = c.Id, Kind = kind, At = Now, By = user.UserName, Note = note, FromDepartmentId = fromDept, ToDepartmentId = toDept,
            FromUserId = fromUser, ToUserId = toUser,
        });

    private async Task<VocActionResult> SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return VocActionResult.Done;
        }
        catch (DbUpdateConcurrencyException)
        {
            return new(VocActionStatus.Conflict, "conflict");
        }
    }

    private static string? NoteError(string? note) => note is { Length: > MaxNoteLength } ? "note.too-long" : null;

    /// <summary>Records the first response (a reply or call to the customer): stops the first-response clock.</summary>
    public async Task<VocActionResult> RespondAsync(CrmUser user, long id, string? note, CancellationToken ct = default)
    {
        var (c, refusal) = await WorkedCaseAsync(user, id, ct);
        if (c is null)
        {
            return refusal!;
        }
        if (!c.IsOpen)
        {
            return VocActionResult.Invalid("state.finished");
        }
        if (NoteError(note) is { } e)
        {
            return VocActionResult.Invalid(e);
        }
        c.FirstRespondedAt ??= Now;
        if (c.State is VocState.Received or VocState.Assigned or VocState.Reopened)
        {
            c.State = VocState.InProgress;
        }
        Event(c, VocEventKind.FirstResponse, user, note);
        return await SaveAsync(ct);
    }

    /// <summary>
    /// Sets, confirms or corrects the type, category and severity; the clocks start again from receipt with the new targets. A
    /// person's classification is confirmed (the classifier learns from it); the timeline says whether it confirmed or
    /// corrected the classifier's suggestion.
    /// </summary>
    public async Task<VocActionResult> ClassifyAsync(CrmUser user, long id, VocType? type, string? category, VocSeverity severity, CancellationToken ct = default)
    {
        var (c, refusal) = await WorkedCaseAsync(user, id, ct);
        if (c is null)
        {
            return refusal!;
        }
        if (category is not null && !await db.VocCategories.AnyAsync(x => x.Code == category, ct))
        {
            return VocActionResult.Invalid("category.unknown");
        }
        var note = VocEventNote.OfClassification(c.Type, c.CategoryCode, c.Severity, type, category, severity, c.SuggestedType, c.SuggestedCategoryCode);
        c.Type = type;
        c.CategoryCode = category;
        c.Severity = severity;
        c.ClassificationSuggested = false;
        if (c.IsOpen && c.PausedAt is null)
        {
            clock.Start(c, c.ReceivedAt);
        }
        Event(c, VocEventKind.Classified, user, note);
        return await SaveAsync(ct);
    }

    /// <summary>Moves the case to another department (and owner: the one named, else its member with the fewest open cases); the reason is required.</summary>
    public async Task<VocActionResult> TransferAsync(CrmUser user, long id, string departmentCode, long? toUserId, string? reason, CancellationToken ct = default)
    {
        var (c, refusal) = await WorkedCaseAsync(user, id, ct);
        if (c is null)
        {
            return refusal!;
        }
        if (!c.IsOpen)
        {
            return VocActionResult.Invalid("state.finished");
        }
        if (string.IsNullOrWhiteSpace(reason))
        {
            return VocActionResult.Invalid("reason.empty");
        }
        if (NoteError(reason) is { } e)
        {
            return VocActionResult.Invalid(e);
        }
        var target = await db.VocDepartments.AsNoTracking().FirstOrDefaultAsync(d => d.Code == departmentCode, ct);
        if (target is null)
        {
            return VocActionResult.Invalid("department.unknown");
        }
        long? owner;
        if (toUserId is { } named)
        {
            if (!await db.VocDepartmentMembers.AnyAsync(m => m.DepartmentId == target.Id && m.UserId == named, ct) && target.HeadUserId != named)
            {
                return VocActionResult.Invalid("owner.not-member");
            }
            owner = named;
        }
        else
        {
            owner = (await new VocRouting(db, options).OwnerAsync(target, ct)).UserId;
        }
        Event(c, VocEventKind.Transferred, user, reason.Trim(), c.ManagingDepartmentId, target.Id, c.OwnerUserId, owner);
        c.ManagingDepartmentId = target.Id;
        c.OwnerUserId = owner;
        if (c.State == VocState.Received && owner is not null)
        {
            c.State = VocState.Assigned;
        }
        return await SaveAsync(ct);
    }

    /// <summary>Waiting for the customer: the clocks stop until <see cref="ResumeAsync"/>.</summary>
    public async Task<VocActionResult> PauseAsync(CrmUser user, long id, string? note, CancellationToken ct = default)
    {
        var (c, refusal) = await WorkedCaseAsync(user, id, ct);
        if (c is null)
        {
            return refusal!;
        }
        if (!c.IsOpen || c.PausedAt is not null)
        {
            return VocActionResult.Invalid(c.PausedAt is null ? "state.finished" : "state.paused");
        }
        if (NoteError(note) is { } e)
        {
            return VocActionResult.Invalid(e);
        }
        clock.Pause(c, Now);
        c.State = VocState.WaitingForCustomer;
        Event(c, VocEventKind.Paused, user, note);
        return await SaveAsync(ct);
    }

    /// <summary>The customer replied: the clocks run again with the time they had left.</summary>
    public async Task<VocActionResult> ResumeAsync(CrmUser user, long id, string? note, CancellationToken ct = default)
    {
        var (c, refusal) = await WorkedCaseAsync(user, id, ct);
        if (c is null)
        {
            return refusal!;
        }
        if (c.PausedAt is null)
        {
            return VocActionResult.Invalid("state.not-paused");
        }
        clock.Resume(c, Now);
        c.State = VocState.InProgress;
        Event(c, VocEventKind.Resumed, user, note);
        return await SaveAsync(ct);
    }

    /// <summary>Resolves the case (owner, the managing department's head or an admin): answer required; a complaint of a known customer gets an outbound completed interaction.</summary>
    public async Task<VocActionResult> ResolveAsync(CrmUser user, long id, VocResolution resolution, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(resolution);
        var (c, s) = await LoadAsync(user, id, ct);
        if (c is null)
        {
            return VocActionResult.NotFound;
        }
        if (!s!.Resolves)
        {
            return VocActionResult.Forbidden("not-owner");
        }
        if (!c.IsOpen)
        {
            return VocActionResult.Invalid("state.finished");
        }
        if (string.IsNullOrWhiteSpace(resolution.Answer))
        {
            return VocActionResult.Invalid("answer.empty");
        }
        if (resolution.Answer.Length > VocIntake.MaxTextLength)
        {
            return VocActionResult.Invalid("answer.too-long");
        }
        if (resolution.CauseText is { Length: > 2000 })
        {
            return VocActionResult.Invalid("cause.too-long");
        }
        var now = Now;
        c.Answer = resolution.Answer.Trim();
        c.CallbackDone = resolution.CallbackDone;
        c.Cause = resolution.Cause;
        c.CauseText = string.IsNullOrWhiteSpace(resolution.CauseText) ? null : resolution.CauseText.Trim();
        c.Gap = resolution.Gap;
        c.FirstRespondedAt ??= now;
        c.PausedAt = null;
        c.State = VocState.Resolved;
        c.ResolvedAt = now;
        c.ResolvedBy = user.UserName;
        Event(c, VocEventKind.Resolved, user, resolution.Gap is { } g ? VocEventNote.OfGap(g) : null);
        if (c.Type == VocType.Complaint && c.CustomerId is { } customer)
        {
            db.Interactions.Add(new Interaction
            {
                CustomerId = customer, OccurredAt = now, Channel = VocIntake.InteractionChannelOf(c.Channel), Direction = InteractionDirection.Outbound,
                Purpose = InteractionPurpose.Complaint, Outcome = InteractionOutcome.Completed, StaffUser = user.UserName, Notes = c.Number,
                SourceKey = $"voc:{c.Number}:resolved:{c.Version + 1}",
            });
        }
        return await SaveAsync(ct);
    }

    /// <summary>Closes a resolved case (owner, the managing department's head or an admin).</summary>
    public async Task<VocActionResult> CloseAsync(CrmUser user, long id, CancellationToken ct = default)
    {
        var (c, s) = await LoadAsync(user, id, ct);
        if (c is null)
        {
            return VocActionResult.NotFound;
        }
        if (!s!.Resolves)
        {
            return VocActionResult.Forbidden("not-owner");
        }
        if (c.State != VocState.Resolved)
        {
            return VocActionResult.Invalid("state.not-resolved");
        }
        c.State = VocState.Closed;
        c.ClosedAt = Now;
        Event(c, VocEventKind.Closed, user);
        return await SaveAsync(ct);
    }

    /// <summary>Reopens a resolved or closed case (the reason required): the resolution clock starts again from now.</summary>
    public async Task<VocActionResult> ReopenAsync(CrmUser user, long id, string? reason, CancellationToken ct = default)
    {
        var (c, s) = await LoadAsync(user, id, ct);
        if (c is null)
        {
            return VocActionResult.NotFound;
        }
        if (!s!.Resolves && c.CreatedByUserId != user.UserId)
        {
            return VocActionResult.Forbidden("not-owner");
        }
        if (c.IsOpen)
        {
            return VocActionResult.Invalid("state.open");
        }
        if (string.IsNullOrWhiteSpace(reason))
        {
            return VocActionResult.Invalid("reason.empty");
        }
        if (NoteError(reason) is { } e)
        {
            return VocActionResult.Invalid(e);
        }
        c.State = VocState.Reopened;
        c.ResolvedAt = c.ClosedAt = null;
        c.WarnedAt = c.EscalatedAt = null;
        c.Breached = false;
        c.RegulatorDueAt = c.RegulatorDueAt > Now ? c.RegulatorDueAt : null;
        var responded = c.FirstRespondedAt;
        clock.Start(c, Now);
        c.FirstRespondedAt = responded;
        Event(c, VocEventKind.Reopened, user, reason.Trim());
        return await SaveAsync(ct);
    }

    /// <summary>The customer's satisfaction with the handling (1 to 5), recorded once the case is resolved.</summary>
    public async Task<VocActionResult> RecordSatisfactionAsync(CrmUser user, long id, int score, CancellationToken ct = default)
    {
        var (c, refusal) = await WorkedCaseAsync(user, id, ct);
        if (c is null)
        {
            return refusal!;
        }
        if (score is < 1 or > 5)
        {
            return VocActionResult.Invalid("satisfaction.range");
        }
        if (c.IsOpen)
        {
            return VocActionResult.Invalid("state.open");
        }
        c.Satisfaction = score;
        return await SaveAsync(ct);
    }

    /// <summary>
    /// The case with its timeline, when <paramref name="user"/> may see it. A case holds personal data (what the customer wrote,
    /// who they are), so each opening is written to the access log as a <see cref="AccessAction.View"/> for complaint handling,
    /// with the case's number (never its text) as the detail; the customer's id when the case names one.
    /// </summary>
    public async Task<VocCaseView?> GetAsync(CrmUser user, long id, CancellationToken ct = default)
    {
        var c = await db.VocCases.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null)
        {
            return null;
        }
        var s = await StandingAsync(user, c, ct);
        if (!s.Sees)
        {
            return null;
        }
        var timeline = await db.VocEvents.AsNoTracking().Where(e => e.CaseId == id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        var departmentIds = timeline.SelectMany(e => new[] { e.FromDepartmentId, e.ToDepartmentId })
            .Concat([c.ManagingDepartmentId, c.ReceivingDepartmentId, c.OriginatingDepartmentId]).OfType<long>().Distinct().ToList();
        var departments = await db.VocDepartments.AsNoTracking().Where(d => departmentIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);
        var userIds = timeline.SelectMany(e => new[] { e.FromUserId, e.ToUserId }).Append(c.OwnerUserId).OfType<long>().Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var category = c.CategoryCode is null ? null : await db.VocCategories.AsNoTracking().FirstOrDefaultAsync(x => x.Code == c.CategoryCode, ct);
        var parent = category?.ParentCode is { } p ? await db.VocCategories.AsNoTracking().FirstOrDefaultAsync(x => x.Code == p, ct) : null;
        var suggestedCategory = c.SuggestedCategoryCode is { } sc ? await db.VocCategories.AsNoTracking().FirstOrDefaultAsync(x => x.Code == sc, ct) : null;
        var links = await db.VocCases.AsNoTracking().Where(x => x.RepeatOfId == id || x.Id == c.RepeatOfId).OrderBy(x => x.ReceivedAt).ThenBy(x => x.Id)
            .Select(x => new { Link = new VocRepeatLink(x.Id, x.Number, x.Channel, x.ReceivedAt, x.RepeatScore), x.RepeatOfId }).ToListAsync(ct);
        await accessLog.RecordAsync(user, new AccessEvent(AccessAction.View, c.CustomerId, AccessReason.Complaint, "voc case " + c.Number), ct);
        return new VocCaseView(c, timeline, departments, users, category, parent, s.Works, s.Resolves)
        {
            RepeatOf = links.FirstOrDefault(l => l.Link.Id == c.RepeatOfId) is { } of ? of.Link with { Score = c.RepeatScore } : null,
            Repeats = links.Where(l => l.RepeatOfId == id).Select(l => l.Link).ToList(),
            SuggestedCategory = suggestedCategory,
            ReplyTo = s.Works && c.ContactProtected is { } stored ? System.Text.Json.JsonSerializer.Deserialize<VocContact>(protector.Decrypt(stored)) : null,
        };
    }

    /// <summary>The case with this number, when <paramref name="user"/> may see it.</summary>
    public async Task<VocCaseView?> GetByNumberAsync(CrmUser user, string number, CancellationToken ct = default)
    {
        var id = await db.VocCases.AsNoTracking().Where(c => c.Number == number).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
        return id is { } i ? await GetAsync(user, i, ct) : null;
    }

    private static IQueryable<VocCaseRow> Rows(IQueryable<VocCase> q) =>
        q.OrderByDescending(c => c.Breached).ThenBy(c => c.ResolutionDueAt == null).ThenBy(c => c.ResolutionDueAt).ThenBy(c => c.Id)
            .Select(c => new VocCaseRow(c.Id, c.Number, c.Channel, c.Type, c.CategoryCode, c.Severity, c.State, c.Subject, c.ReceivedAt,
                c.FirstResponseDueAt, c.FirstRespondedAt, c.ResolutionDueAt, c.Breached, c.PausedAt != null, c.EscalatedAt != null,
                c.ManagingDepartmentId, c.OwnerUserId, c.RepeatOfId));

    private IQueryable<VocCase> Open => db.VocCases.AsNoTracking().Where(c => c.State != VocState.Resolved && c.State != VocState.Closed);

    /// <summary>The user's open cases (owned, or opened by them), breaches first, then by resolution deadline.</summary>
    public Task<List<VocCaseRow>> MyCasesAsync(CrmUser user, int take = 200, CancellationToken ct = default) =>
        Rows(Mine(user)).Take(take).ToListAsync(ct);

    private IQueryable<VocCase> Mine(CrmUser user) => Open.Where(c => c.OwnerUserId == user.UserId || c.CreatedByUserId == user.UserId);

    /// <summary>The open cases of the departments the user heads (an admin: every department), breaches and escalations first.</summary>
    public async Task<List<VocCaseRow>> DepartmentCasesAsync(CrmUser user, int take = 500, CancellationToken ct = default) =>
        await Rows(await DepartmentAsync(user, ct)).Take(take).ToListAsync(ct);

    private async Task<IQueryable<VocCase>> DepartmentAsync(CrmUser user, CancellationToken ct)
    {
        var q = Open;
        if (user.Role != Role.Admin)
        {
            var headed = await HeadedDepartmentsAsync(user, ct);
            q = q.Where(c => c.ManagingDepartmentId != null && headed.Contains(c.ManagingDepartmentId.Value));
        }
        return q;
    }

    /// <summary>The KPI cards of all the user's open cases (counted, not read: the list beside them shows only the first ones).</summary>
    public Task<VocKpis> MyKpisAsync(CrmUser user, TimeZoneInfo zone, CancellationToken ct = default) => KpisAsync(Mine(user), zone, ct);

    /// <summary>The KPI cards of all the open cases of the departments the user heads.</summary>
    public async Task<VocKpis> DepartmentKpisAsync(CrmUser user, TimeZoneInfo zone, CancellationToken ct = default) =>
        await KpisAsync(await DepartmentAsync(user, ct), zone, ct);

    private async Task<VocKpis> KpisAsync(IQueryable<VocCase> open, TimeZoneInfo zone, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(Now, zone));
        var endOfToday = TimeZoneInfo.ConvertTimeToUtc(today.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);
        return new VocKpis(
            await open.CountAsync(ct),
            await open.CountAsync(c => c.PausedAt == null && c.ResolutionDueAt != null && c.ResolutionDueAt < endOfToday && !c.Breached, ct),
            await open.CountAsync(c => c.Breached, ct),
            await open.CountAsync(c => c.PausedAt != null, ct));
    }

    public Task<List<long>> HeadedDepartmentsAsync(CrmUser user, CancellationToken ct = default) =>
        db.VocDepartments.AsNoTracking().Where(d => d.HeadUserId == user.UserId).Select(d => d.Id).ToListAsync(ct);

    /// <summary>Cases by state, managing department code and breach (the CLI's list; an admin's view: no scope applies there).</summary>
    public async Task<List<VocCaseRow>> ListAsync(VocState? state, string? departmentCode, bool breachedOnly, int take, CancellationToken ct = default)
    {
        var q = db.VocCases.AsNoTracking();
        q = state is { } st ? q.Where(c => c.State == st) : q.Where(c => c.State != VocState.Closed);
        if (departmentCode is not null)
        {
            var dept = await db.VocDepartments.AsNoTracking().Where(d => d.Code == departmentCode).Select(d => (long?)d.Id).FirstOrDefaultAsync(ct) ?? -1;
            q = q.Where(c => c.ManagingDepartmentId == dept);
        }
        if (breachedOnly)
        {
            q = q.Where(c => c.Breached);
        }
        return await Rows(q).Take(take).ToListAsync(ct);
    }

    /// <summary>
    /// What the intake form takes over from a contact logged on the inbound console (<c>/voc/new?inbound=ID</c>): the customer, the
    /// notes and the reason's category; for the call center, VOC handlers and admins only. Null when unknown or not theirs to read.
    /// </summary>
    public async Task<VocInboundPrefill?> InboundPrefillAsync(CrmUser user, long inboundId, CancellationToken ct = default)
    {
        if (!VocIntake.MayOpenFromInbound(user.Role))
        {
            return null;
        }
        var row = await (from i in db.InboundContacts.AsNoTracking()
                         join n in db.Interactions.AsNoTracking() on i.InteractionId equals n.Id into notes
                         from n in notes.DefaultIfEmpty()
                         where i.Id == inboundId
                         select new { i.CustomerId, i.ReasonCode, Notes = n == null ? null : n.Notes }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }
        var existing = await db.VocCases.AsNoTracking().Where(c => c.InboundContactId == inboundId).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
        return new VocInboundPrefill(inboundId, row.CustomerId, row.Notes, VocSlaRun.CategoryOfReason(row.ReasonCode), existing);
    }

    public Task<List<VocDepartment>> DepartmentsAsync(CancellationToken ct = default) =>
        db.VocDepartments.AsNoTracking().OrderBy(d => d.BranchId != null).ThenBy(d => d.Id).ToListAsync(ct);

    public Task<List<VocCategory>> CategoriesAsync(CancellationToken ct = default) =>
        db.VocCategories.AsNoTracking().OrderBy(c => c.SortOrder).ToListAsync(ct);
}
