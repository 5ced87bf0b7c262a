namespace InsureCrm.Core.Customers;

/// <summary>A customer's key in a source system, as the customer page and a data-subject export show it.</summary>
public sealed record SourceKeyView(string SourceSystem, string SourceId);
