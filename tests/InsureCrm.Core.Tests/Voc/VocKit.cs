using InsureCrm.Core.Agents;
using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Core.Common;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Voc;

/// <summary>A clock the test moves.</summary>
internal sealed class MovableClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>The VOC services as the host wires them, on one context and a movable clock; users and department members. Fictional people.</summary>
internal sealed class VocKit(CrmDbContext ctx, VocOptions? options = null)
{
    /// <summary>Tuesday 2027-03-02 10:00 in Seoul.</summary>
    public static readonly DateTimeOffset Start = new(2027, 3, 2, 1, 0, 0, TimeSpan.Zero);

    public MovableClock Clock { get; } = new(Start);
    public VocOptions Options { get; } = options ?? new VocOptions();
    public BusinessHours Hours => new(new KoreanBusinessCalendar(new BusinessCalendarOptions()), Options);
    public VocClock VocClock => new(Hours, Options);
    public VocIntake Intake => new(ctx, Options, VocClock, CustomerSeed.Protector(), Clock);
    /// <summary>What the VOC services wrote to the access log (in memory: these tests read what was logged, not the chain).</summary>
    public RecordingAccessLog AccessLog { get; } = new();
    public VocCases Cases => new(ctx, VocClock, Options, Clock, AccessLog, CustomerSeed.Protector());
    public VocSlaRun Sla => new(ctx, Intake, Clock);

    public async Task<CrmUser> UserAsync(string userName, Role role, long? branchId = null, long? agentId = null)
    {
        var u = new AppUser
        {
            UserName = userName, NormalizedUserName = AppUser.Normalize(userName), DisplayName = userName, Role = role, BranchId = branchId, AgentId = agentId,
            CreatedAt = Start.UtcDateTime, SecurityStamp = AppUser.NewStamp(), ConcurrencyStamp = AppUser.NewStamp(),
        };
        ctx.Users.Add(u);
        await ctx.SaveChangesAsync();
        return new CrmUser(u.Id, userName, role, agentId, branchId, null, "test");
    }

    /// <summary>
    /// An inbound call logged on the console with its interaction (the notes): flagged for VOC (a complaint to open as a case)
    /// unless <paramref name="outcome"/> says otherwise.
    /// </summary>
    public async Task<InboundContact> InboundAsync(long customerId, string reasonCode, string notes, InboundOutcome outcome = InboundOutcome.ComplaintToVoc)
    {
        var interaction = new Interaction
        {
            CustomerId = customerId, OccurredAt = Start.UtcDateTime, Channel = InteractionChannel.CallCenter, Direction = InteractionDirection.Inbound,
            Purpose = outcome == InboundOutcome.ComplaintToVoc ? InteractionPurpose.Complaint : InteractionPurpose.Service,
            Outcome = InteractionOutcome.FollowUp, Notes = notes,
        };
        ctx.Interactions.Add(interaction);
        await ctx.SaveChangesAsync();
        var inbound = new InboundContact
        {
            CustomerId = customerId, InteractionId = interaction.Id, ReasonCode = reasonCode, ReasonTreeVersion = 1, Outcome = outcome,
            VocRequested = outcome == InboundOutcome.ComplaintToVoc, LoggedBy = "callcenter", LoggedAt = Start.UtcDateTime,
        };
        ctx.InboundContacts.Add(inbound);
        await ctx.SaveChangesAsync();
        return inbound;
    }

    public async Task<VocDepartment> DepartmentAsync(string code) => await ctx.VocDepartments.SingleAsync(d => d.Code == code);

    public async Task MemberAsync(string code, CrmUser user, bool head = false)
    {
        var d = await DepartmentAsync(code);
        ctx.VocDepartmentMembers.Add(new VocDepartmentMember { DepartmentId = d.Id, UserId = user.UserId });
        if (head)
        {
            d.HeadUserId = user.UserId;
        }
        await ctx.SaveChangesAsync();
    }

    public async Task HeadAsync(string code, CrmUser user)
    {
        var d = await DepartmentAsync(code);
        d.HeadUserId = user.UserId;
        await ctx.SaveChangesAsync();
    }

    public static VocIntakeRequest Complaint(string text = "보험금 청구를 했는데 3주째 아무 연락이 없습니다.", string? category = "claims.delay",
        VocSeverity severity = VocSeverity.Normal) => new(VocChannel.CallCenter, VocType.Complaint, category, severity, "보험금 지급 지연", text);

    public async Task<VocCase> CaseAsync(long id) => await ctx.VocCases.AsNoTracking().SingleAsync(c => c.Id == id);

    public Task<List<VocEvent>> EventsAsync(long id) => ctx.VocEvents.AsNoTracking().Where(e => e.CaseId == id).OrderBy(e => e.Id).ToListAsync();

    public static Task<Branch> BranchAsync(CrmDbContext db) => Worklists.WorklistKit.BranchAsync(db, "B-" + Guid.NewGuid().ToString("N")[..6], "강남지점");
}

/// <summary>An access log that keeps what it is given, for tests that assert what a service logged.</summary>
internal sealed class RecordingAccessLog : IAccessLog
{
    public List<(CrmUser User, AccessEvent Access)> Entries { get; } = [];

    public Task RecordAsync(CrmUser user, AccessEvent access, CancellationToken ct = default)
    {
        Entries.Add((user, access));
        return Task.CompletedTask;
    }

    public Task RecordManyAsync(CrmUser user, IReadOnlyList<AccessEvent> accesses, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accesses);
        Entries.AddRange(accesses.Select(a => (user, a)));
        return Task.CompletedTask;
    }
}
