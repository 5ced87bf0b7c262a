namespace InsureCrm.Core.Common;

/// <summary>How the load of a file ended: customer imports and the do-not-call registry alike.</summary>
public enum ImportStatus { Completed, CompletedWithRejects, Failed }
