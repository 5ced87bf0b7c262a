using InsureCrm.Core.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Value;

public enum ValueRunStatus { Running, Completed, Failed }

/// <summary>Full: every customer computed. Incremental: only customers whose inputs changed since the base run; the rest copied from it.</summary>
public enum ValueRunMode { Full, Incremental }

/// <summary>One computation of every customer's value as of <see cref="RunDate"/>.</summary>
public sealed class ValueRun
{
    public long Id { get; set; }
    public DateOnly RunDate { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public ValueRunStatus Status { get; set; }
    /// <summary>SHA-256 of the options used, so runs with different assumptions are told apart.</summary>
    public string OptionsHash { get; set; } = "";
    public int Customers { get; set; }
    public ValueRunMode Mode { get; set; }
    /// <summary>The completed run an incremental run copies unchanged customers from.</summary>
    public long? BaseRunId { get; set; }
    /// <summary>The persistency curves used (JSON), so that a resumed or incremental run uses the same assumptions.</summary>
    public string? Curves { get; set; }
    /// <summary>SHA-256 of <see cref="Curves"/>.</summary>
    public string CurvesHash { get; set; } = "";
    /// <summary>The date the curves were estimated as of (a run reuses the curves of its month).</summary>
    public DateOnly? CurvesAsOf { get; set; }
    /// <summary>Resume cursor: every live customer with an id up to this one has been processed.</summary>
    public long? ProcessedThrough { get; set; }
    /// <summary>Customers computed by this run (the others were copied from the base run).</summary>
    public int Recomputed { get; set; }
    /// <summary>Live customers the value step left out (stored values out of range); one <see cref="ValueRunSkip"/> each.</summary>
    public int Skipped { get; set; }
}

/// <summary>The chain's steps that can skip a customer.</summary>
public static class ValueRunStep
{
    public const string Value = "value";
    public const string Lifecycle = "lifecycle";
    public const string Segments = "segments";
}

/// <summary>
/// A customer a step of a run left out because a stored value is out of range (<see cref="Common.StoredRanges"/>):
/// the step, the contract at fault when it is a contract's, and the reason code; ids only, never the value.
/// </summary>
public sealed class ValueRunSkip
{
    public long RunId { get; set; }
    /// <summary>One of <see cref="ValueRunStep"/>.</summary>
    public string Step { get; set; } = "";
    public long CustomerId { get; set; }
    public long? ContractId { get; set; }
    /// <summary>One of <see cref="Common.SkipReason"/>.</summary>
    public string Reason { get; set; } = "";
}

/// <summary>A customer's value in one run (KRW, whole won), with the explanation as JSON.</summary>
public sealed class CustomerValue
{
    public long RunId { get; set; }
    public long CustomerId { get; set; }
    public decimal ExperienceValue { get; set; }
    public decimal CurrentValue { get; set; }
    public decimal PotentialValue { get; set; }
    public decimal TotalValue { get; set; }
    /// <summary>A..G; null only while the run is still writing.</summary>
    public string? Grade { get; set; }
    public string Explanation { get; set; } = "{}";
    /// <summary>Hash of every input of the computation as of the run date (<see cref="ValueInputs.Fingerprint"/>): equal means the result is equal.</summary>
    public long Fingerprint { get; set; }
}

internal sealed class ValueRunConfiguration : IEntityTypeConfiguration<ValueRun>
{
    public void Configure(EntityTypeBuilder<ValueRun> b)
    {
        b.Property(p => p.OptionsHash).HasMaxLength(64);
        b.Property(p => p.CurvesHash).HasMaxLength(64);
        b.Property(p => p.Curves).HasMaxLength(1_000_000);
        b.HasIndex(p => p.RunDate);
    }
}

internal sealed class ValueRunSkipConfiguration : IEntityTypeConfiguration<ValueRunSkip>
{
    public void Configure(EntityTypeBuilder<ValueRunSkip> b)
    {
        b.HasKey(p => new { p.RunId, p.Step, p.CustomerId });
        b.Property(p => p.Step).HasMaxLength(16);
        b.Property(p => p.Reason).HasMaxLength(40);
        b.HasOne<ValueRun>().WithMany().HasForeignKey(p => p.RunId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomerValueConfiguration : IEntityTypeConfiguration<CustomerValue>
{
    public void Configure(EntityTypeBuilder<CustomerValue> b)
    {
        b.HasKey(p => new { p.RunId, p.CustomerId });
        b.Property(p => p.ExperienceValue).HasPrecision(18, 0);
        b.Property(p => p.CurrentValue).HasPrecision(18, 0);
        b.Property(p => p.PotentialValue).HasPrecision(18, 0);
        b.Property(p => p.TotalValue).HasPrecision(18, 0);
        b.Property(p => p.Grade).HasMaxLength(1);
        b.Property(p => p.Explanation).HasMaxLength(1_000_000);
        // No foreign keys and no index on customer_id (migration 0020): a first night writes a row per customer, and
        // checking each one's run and customer cost a third of the COPY; nothing deletes a value run or a customer, and
        // every read names the run, which the key serves.
    }
}
