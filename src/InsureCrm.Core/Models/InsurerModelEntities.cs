using InsureCrm.Core.Agents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Models;

/// <summary>Where a model version stands: a challenger waits for approval, one champion per name scores, the rest are retired.</summary>
public enum ModelStatus { Challenger, Champion, Retired }

public enum ModelScoreRunStatus { Running, Completed, Failed }

/// <summary>
/// One trained version of an insurer model (lapse, purchase, loan …): what it was trained on (cutoff and
/// label window), how well it did on held-out customers, the model file itself, and who trained and
/// approved it.
/// </summary>
public sealed class ModelVersion
{
    public long Id { get; set; }
    /// <summary>The model's name, e.g. <c>lapse</c> (see <see cref="InsurerModels"/>).</summary>
    public string Name { get; set; } = "";
    /// <summary>1, 2, 3 … per name.</summary>
    public int Version { get; set; }
    /// <summary>The learner's algorithm name as in the model file (<c>logistic</c>, <c>gbdt</c> …).</summary>
    public string Algorithm { get; set; } = "";
    /// <summary>Features are computed from data dated on or before this day.</summary>
    public DateOnly Cutoff { get; set; }
    /// <summary>The label is observed in (cutoff, cutoff + this many months].</summary>
    public int WindowMonths { get; set; }
    /// <summary>Feature names in column order, JSON array.</summary>
    public string Features { get; set; } = "[]";
    public int TrainRows { get; set; }
    public int TestRows { get; set; }
    /// <summary>Share of positive labels among all rows (train and test).</summary>
    public double PositiveRate { get; set; }
    /// <summary>ROC AUC on the held-out customers.</summary>
    public double Auc { get; set; }
    public double LogLoss { get; set; }
    /// <summary>Response rate of the top-scored tenth of held-out customers over the base rate.</summary>
    public double TopDecileLift { get; set; }
    /// <summary>The trained model (<c>ModelFile</c> JSON).</summary>
    public string Artifact { get; set; } = "";
    public ModelStatus Status { get; set; }
    public string TrainedBy { get; set; } = "";
    public DateTime TrainedAt { get; set; }
    public string? ApprovedBy { get; set; }
    public DateTime? ApprovedAt { get; set; }
    public DateTime? RetiredAt { get; set; }
}

/// <summary>One scoring of every live customer with one champion version, as of <see cref="RunDate"/>.</summary>
public sealed class ModelScoreRun
{
    public long Id { get; set; }
    public long ModelVersionId { get; set; }
    public DateOnly RunDate { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public ModelScoreRunStatus Status { get; set; }
    public int Scored { get; set; }
    /// <summary>Customers (for a contract model: holders, with their contracts) or agents left out because a stored value is out of range.</summary>
    public int Skipped { get; set; }
    /// <summary>The skips by reason code as JSON (<c>{"birth_date_out_of_range":1}</c>); ids are in the log.</summary>
    public string SkipReasons { get; set; } = "{}";
}

/// <summary>
/// A customer's score in one run. Customers outside the model's population (e.g. no premium-paying
/// contract for <c>lapse</c>) get a row with <see cref="Eligible"/> false, score 0 and no reasons.
/// </summary>
public sealed class CustomerModelScore
{
    public long RunId { get; set; }
    public long CustomerId { get; set; }
    public double Score { get; set; }
    public bool Eligible { get; set; }
    /// <summary>Top reasons as JSON, largest first: <c>[{"feature":"premiumBurden","value":"0.42","effect":0.61}]</c>; keys, not sentences, so pages translate them.</summary>
    public string Reasons { get; set; } = "[]";
}

/// <summary>A contract's score in one run of a contract model (<c>lapse-contract</c>); contracts active on the run date, ineligible (score 0, no reasons) when not premium-paying.</summary>
public sealed class ContractModelScore
{
    public long RunId { get; set; }
    public long ContractId { get; set; }
    /// <summary>The policyholder, so a customer's page and data scope find the row without the contract.</summary>
    public long CustomerId { get; set; }
    public double Score { get; set; }
    public bool Eligible { get; set; }
    /// <summary>Top reasons as JSON, as <see cref="CustomerModelScore.Reasons"/>.</summary>
    public string Reasons { get; set; } = "[]";
}

/// <summary>An agent's score in one run of an agent model (<c>agent-dropout</c>, <c>recruiting</c>); agents active on the run date, eligible when hired in the 13 months before.</summary>
public sealed class AgentModelScore
{
    public long RunId { get; set; }
    public long AgentId { get; set; }
    public double Score { get; set; }
    public bool Eligible { get; set; }
    /// <summary>Top reasons as JSON, as <see cref="CustomerModelScore.Reasons"/>.</summary>
    public string Reasons { get; set; } = "[]";
}

internal sealed class ModelVersionConfiguration : IEntityTypeConfiguration<ModelVersion>
{
    public void Configure(EntityTypeBuilder<ModelVersion> b)
    {
        b.Property(m => m.Name).HasMaxLength(64);
        b.Property(m => m.Algorithm).HasMaxLength(32);
        b.Property(m => m.Features).HasMaxLength(8000);
        b.Property(m => m.Artifact).HasMaxLength(10_000_000);
        b.Property(m => m.TrainedBy).HasMaxLength(100);
        b.Property(m => m.ApprovedBy).HasMaxLength(100);
        b.HasIndex(m => new { m.Name, m.Version }).IsUnique();
    }
}

internal sealed class ModelScoreRunConfiguration : IEntityTypeConfiguration<ModelScoreRun>
{
    public void Configure(EntityTypeBuilder<ModelScoreRun> b)
    {
        b.HasIndex(r => new { r.ModelVersionId, r.RunDate });
        b.Property(r => r.SkipReasons).HasMaxLength(2000);
        b.HasOne<ModelVersion>().WithMany().HasForeignKey(r => r.ModelVersionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomerModelScoreConfiguration : IEntityTypeConfiguration<CustomerModelScore>
{
    public void Configure(EntityTypeBuilder<CustomerModelScore> b)
    {
        b.HasKey(s => new { s.RunId, s.CustomerId });
        b.Property(s => s.Reasons).HasMaxLength(2000);
        // No foreign keys and no index on customer_id (migration 0020): checking each of millions of rows a night cost
        // most of its insert, and every read names the run, which the key serves. The scoring job deletes a replaced
        // run's rows itself.
    }
}

internal sealed class ContractModelScoreConfiguration : IEntityTypeConfiguration<ContractModelScore>
{
    public void Configure(EntityTypeBuilder<ContractModelScore> b)
    {
        b.HasKey(s => new { s.RunId, s.ContractId });
        b.Property(s => s.Reasons).HasMaxLength(2000);
        // No foreign keys and no index on contract_id or customer_id, as customer_model_score (migration 0020).
    }
}

internal sealed class AgentModelScoreConfiguration : IEntityTypeConfiguration<AgentModelScore>
{
    public void Configure(EntityTypeBuilder<AgentModelScore> b)
    {
        b.HasKey(s => new { s.RunId, s.AgentId });
        b.Property(s => s.Reasons).HasMaxLength(2000);
        b.HasIndex(s => s.AgentId);
        b.HasOne<ModelScoreRun>().WithMany().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Agent>().WithMany().HasForeignKey(s => s.AgentId).OnDelete(DeleteBehavior.Cascade);
    }
}
