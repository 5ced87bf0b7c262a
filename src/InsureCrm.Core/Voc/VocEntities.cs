using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Voc;

/// <summary>Where a voice came in (docs/voc.md).</summary>
public enum VocChannel { CallCenter, Branch, Agent, WebForm, Email, Letter, Fax, Postcard, Survey, Regulator, WebMention, Internal }

/// <summary>What kind of voice it is; a case may be unclassified (null) until staff or the classifier decide.</summary>
public enum VocType { Inquiry, Consultation, Suggestion, Complaint, Compliment, Report }

public enum VocSeverity { Low, Normal, High, Critical }

/// <summary>Where a case stands. Resolved and Closed are the finished states; a reopened case is worked again.</summary>
public enum VocState { Received, Assigned, InProgress, WaitingForCustomer, Resolved, Closed, Reopened }

/// <summary>One entry of a case's timeline.</summary>
public enum VocEventKind { Created, Classified, Assigned, Transferred, Paused, Resumed, FirstResponse, Warned, Escalated, Resolved, Closed, Reopened, Suggested, RepeatLinked }

/// <summary>The lectures' service gaps: which gap between what the customer expected and what they got caused the voice.</summary>
public enum ServiceGap
{
    /// <summary>GAP 1: not knowing what customers expect.</summary>
    Expectations,
    /// <summary>GAP 2: the wrong service design or standards.</summary>
    Design,
    /// <summary>GAP 3: delivery not to the design.</summary>
    Delivery,
    /// <summary>GAP 4: promises not kept (communication).</summary>
    Communication,
}

/// <summary>The root-cause codes a resolution names (with free text beside).</summary>
public enum VocCause { ProductTerms, Process, System, StaffConduct, Communication, ThirdParty, CustomerMisunderstanding, Other }

/// <summary>A node of the two-level category tree (reference data seeded by migration 0038): a top level (no parent) or a leaf.</summary>
public sealed class VocCategory
{
    /// <summary><c>claims</c> or <c>claims.denied</c>.</summary>
    public string Code { get; set; } = "";
    public string? ParentCode { get; set; }
    public string NameKo { get; set; } = "";
    public string NameEn { get; set; } = "";
    public string NameZh { get; set; } = "";
    public int SortOrder { get; set; }
}

/// <summary>A department that receives, manages or originates cases (접수·관리·발생 부서): a head-office team or an agent branch.</summary>
public sealed class VocDepartment
{
    public long Id { get; set; }
    /// <summary><c>CS</c>, <c>CLAIMS</c>... or <c>BR-</c> and the branch code for a branch.</summary>
    public string Code { get; set; } = "";
    public string NameKo { get; set; } = "";
    public string NameEn { get; set; } = "";
    public string NameZh { get; set; } = "";
    /// <summary>The head (escalations go to them); null until an admin names one.</summary>
    public long? HeadUserId { get; set; }
    /// <summary>Set for a branch's department (the originating department of its agents' cases).</summary>
    public long? BranchId { get; set; }
}

/// <summary>A user who works a department's cases.</summary>
public sealed class VocDepartmentMember
{
    public long DepartmentId { get; set; }
    public long UserId { get; set; }
}

/// <summary>One voice of a customer (or an employee), from any channel, with its routing, clocks and resolution.</summary>
public sealed class VocCase : IVersioned
{
    public long Id { get; set; }
    /// <summary>VOC-yyyy-nnnnnn (the year received and the case id).</summary>
    public string Number { get; set; } = "";
    public VocChannel Channel { get; set; }
    public VocType? Type { get; set; }
    public string? CategoryCode { get; set; }
    public VocSeverity Severity { get; set; }
    public string? Subject { get; set; }
    public string Text { get; set; } = "";
    public VocState State { get; set; }
    /// <summary>Null for an unknown customer: <see cref="ContactProtected"/> keeps who wrote, to be matched later.</summary>
    public long? CustomerId { get; set; }
    public long? ContractId { get; set; }
    /// <summary>The contract's product, copied when the case is opened (a contract keeps its product): the dashboard groups by it without reading contracts.</summary>
    public long? ProductId { get; set; }
    public long? AgentId { get; set; }
    /// <summary>The submitter's name, phone and e-mail of an unknown customer, as encrypted JSON (FieldProtector).</summary>
    public string? ContactProtected { get; set; }
    /// <summary>Keyed hash of the submitter's phone digits, to match the case to a customer later without decrypting.</summary>
    public string? ContactPhoneHash { get; set; }
    /// <summary>The message-id, regulator reference, file row or <c>inbound:ID</c>: unique per channel, so nothing is opened twice.</summary>
    public string? ExternalRef { get; set; }
    public long? InboundContactId { get; set; }
    public decimal? ClaimedAmount { get; set; }
    public long? ReceivingDepartmentId { get; set; }
    public long? ManagingDepartmentId { get; set; }
    public long? OriginatingDepartmentId { get; set; }
    public long? OwnerUserId { get; set; }
    /// <summary>Which routing rule chose the managing department and owner, in words (shown on the case).</summary>
    public string? RoutingNote { get; set; }
    public DateTime ReceivedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public long? CreatedByUserId { get; set; }
    /// <summary>The regulator's deadline (a referral from 금융감독원): the resolution clock ends there.</summary>
    public DateTime? RegulatorDueAt { get; set; }
    public DateTime? FirstResponseDueAt { get; set; }
    public DateTime? FirstRespondedAt { get; set; }
    public DateTime? ResolutionDueAt { get; set; }
    /// <summary>When the warning falls (the configured share of the resolution clock).</summary>
    public DateTime? WarnAt { get; set; }
    /// <summary>Set while waiting for the customer: the clocks stand still.</summary>
    public DateTime? PausedAt { get; set; }
    /// <summary>Business minutes left on each clock when it was paused.</summary>
    public int? FirstResponseMinutesLeft { get; set; }
    public int? ResolutionMinutesLeft { get; set; }
    public int? WarnMinutesLeft { get; set; }
    public DateTime? WarnedAt { get; set; }
    public DateTime? EscalatedAt { get; set; }
    public bool Breached { get; set; }
    public string? Answer { get; set; }
    public bool? CallbackDone { get; set; }
    public VocCause? Cause { get; set; }
    public string? CauseText { get; set; }
    public ServiceGap? Gap { get; set; }
    /// <summary>The customer's satisfaction with the handling, 1 to 5 (recorded later).</summary>
    public int? Satisfaction { get; set; }
    /// <summary>Resolved on the spot by front-line staff within their authority (not routed).</summary>
    public bool FrontLine { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public string? ResolvedBy { get; set; }
    public DateTime? ClosedAt { get; set; }
    /// <summary>The classifier's suggested type when the case came in (staff confirm or correct it into <see cref="Type"/>).</summary>
    public VocType? SuggestedType { get; set; }
    public double? SuggestedTypeConfidence { get; set; }
    /// <summary>The classifier's suggested category (staff confirm or correct it into <see cref="CategoryCode"/>).</summary>
    public string? SuggestedCategoryCode { get; set; }
    public double? SuggestedCategoryConfidence { get; set; }
    /// <summary>The earlier case of the same customer about the same matter that this one repeats ("repeated"), with the match score.</summary>
    public long? RepeatOfId { get; set; }
    public double? RepeatScore { get; set; }
    /// <summary>The type and category were taken from the classifier's suggestion and wait for staff to confirm them (not learned from until then).</summary>
    public bool ClassificationSuggested { get; set; }
    public int Version { get; set; }

    public bool IsOpen => State is not (VocState.Resolved or VocState.Closed);
}

/// <summary>One change of a case (append-only): transfers keep from/to and the reason.</summary>
public sealed class VocEvent : IAppendOnly
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public VocEventKind Kind { get; set; }
    public DateTime At { get; set; }
    public string By { get; set; } = "";
    public long? FromDepartmentId { get; set; }
    public long? ToDepartmentId { get; set; }
    public long? FromUserId { get; set; }
    public long? ToUserId { get; set; }
    public string? Note { get; set; }
}

internal sealed class VocCategoryConfiguration : IEntityTypeConfiguration<VocCategory>
{
    public void Configure(EntityTypeBuilder<VocCategory> b)
    {
        b.HasKey(p => p.Code);
        b.Property(p => p.Code).HasMaxLength(40);
        b.Property(p => p.ParentCode).HasMaxLength(40);
        b.Property(p => p.NameKo).HasMaxLength(100);
        b.Property(p => p.NameEn).HasMaxLength(100);
        b.Property(p => p.NameZh).HasMaxLength(100);
    }
}

internal sealed class VocDepartmentConfiguration : IEntityTypeConfiguration<VocDepartment>
{
    public void Configure(EntityTypeBuilder<VocDepartment> b)
    {
        b.Property(p => p.Code).HasMaxLength(40);
        b.Property(p => p.NameKo).HasMaxLength(100);
        b.Property(p => p.NameEn).HasMaxLength(100);
        b.Property(p => p.NameZh).HasMaxLength(100);
        b.HasIndex(p => p.Code).IsUnique();
        b.HasIndex(p => p.BranchId);
    }
}

internal sealed class VocDepartmentMemberConfiguration : IEntityTypeConfiguration<VocDepartmentMember>
{
    public void Configure(EntityTypeBuilder<VocDepartmentMember> b)
    {
        b.HasKey(p => new { p.DepartmentId, p.UserId });
        b.HasIndex(p => p.UserId);
    }
}

internal sealed class VocCaseConfiguration : IEntityTypeConfiguration<VocCase>
{
    public void Configure(EntityTypeBuilder<VocCase> b)
    {
        b.Ignore(p => p.IsOpen);
        b.Property(p => p.Number).HasMaxLength(20);
        b.Property(p => p.CategoryCode).HasMaxLength(40);
        b.Property(p => p.SuggestedCategoryCode).HasMaxLength(40);
        b.HasIndex(p => p.RepeatOfId);
        b.Property(p => p.Subject).HasMaxLength(200);
        b.Property(p => p.Text).HasMaxLength(VocIntake.MaxTextLength);
        b.Property(p => p.ContactProtected).HasMaxLength(2000);
        b.Property(p => p.ContactPhoneHash).HasMaxLength(64);
        b.Property(p => p.ExternalRef).HasMaxLength(300);
        b.Property(p => p.RoutingNote).HasMaxLength(500);
        b.Property(p => p.CreatedBy).HasMaxLength(100);
        b.Property(p => p.Answer).HasMaxLength(VocIntake.MaxTextLength);
        b.Property(p => p.CauseText).HasMaxLength(2000);
        b.Property(p => p.ResolvedBy).HasMaxLength(100);
        b.HasIndex(p => p.Number).IsUnique();
        b.HasIndex(p => new { p.Channel, p.ExternalRef }).IsUnique();
        // The handler's and the department's open cases by deadline; the SLA run's open cases; a customer's cases.
        b.HasIndex(p => new { p.OwnerUserId, p.State, p.ResolutionDueAt });
        b.HasIndex(p => new { p.ManagingDepartmentId, p.State, p.ResolutionDueAt });
        b.HasIndex(p => new { p.State, p.ResolutionDueAt });
        b.HasIndex(p => p.CustomerId);
        b.HasIndex(p => p.CreatedByUserId);
        b.HasIndex(p => p.InboundContactId);
    }
}

internal sealed class VocEventConfiguration : IEntityTypeConfiguration<VocEvent>
{
    public void Configure(EntityTypeBuilder<VocEvent> b)
    {
        b.Property(p => p.By).HasMaxLength(100);
        b.Property(p => p.Note).HasMaxLength(2000);
        b.HasIndex(p => p.CaseId);
    }
}

/// <summary>The VOC tables of <see cref="CrmDbContext"/>.</summary>
public static class VocSets
{
    extension(CrmDbContext db)
    {
        public DbSet<VocCase> VocCases => db.Set<VocCase>();
        public DbSet<VocEvent> VocEvents => db.Set<VocEvent>();
        public DbSet<VocCategory> VocCategories => db.Set<VocCategory>();
        public DbSet<VocDepartment> VocDepartments => db.Set<VocDepartment>();
        public DbSet<VocDepartmentMember> VocDepartmentMembers => db.Set<VocDepartmentMember>();
    }
}
