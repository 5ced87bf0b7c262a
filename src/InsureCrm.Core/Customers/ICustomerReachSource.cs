using InsureCrm.Core.Common;
using InsureCrm.Core.Security;

namespace InsureCrm.Core.Customers;

/// <summary>
/// The customers a feature above Customers puts within one role's reach, by its own records (VOC: the customers of the
/// cases routed to a VOC handler). The feature registers it as a service; <see cref="CustomerScope"/> makes it that
/// role's scope, so Customers never names the feature. One source per role.
/// </summary>
public interface ICustomerReachSource
{
    /// <summary>The role whose scope this is.</summary>
    Role Role { get; }

    /// <summary>
    /// The ids of the customers the account <paramref name="userId"/> reaches, as a query that
    /// <see cref="CustomerScope"/> composes into its SQL. <paramref name="userId"/> must reach the SQL as a parameter
    /// (use it as a captured variable, never a constant): the scope gate's text is cached per role.
    /// </summary>
    IQueryable<long> CustomerIds(CrmDbContext db, long userId);
}
