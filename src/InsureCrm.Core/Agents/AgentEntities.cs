using InsureCrm.Core.Common;

namespace InsureCrm.Core.Agents;

/// <summary>FC/RC own agent, LT, TC telemarketer, AM, FP, CS consultant (CS RC).</summary>
public enum AgentKind { Fc, Lt, Tc, Am, Fp, Cs }

public enum AgentStatus { Active, OnLeave, Terminated }

public sealed class Branch
{
    public long Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string Sido { get; set; } = "";
    public string Sigungu { get; set; } = "";
}

public sealed class Agent : IVersioned
{
    public long Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public AgentKind Kind { get; set; }
    public long BranchId { get; set; }
    public DateOnly HireDate { get; set; }
    public DateOnly? TerminationDate { get; set; }
    public AgentStatus Status { get; set; }
    public int Version { get; set; }
}
