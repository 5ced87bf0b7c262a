using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;

namespace InsureCrm.Core.Voc;

/// <summary>
/// A VOC handler's customers (docs/decisions/0001-security-model.md): those of the cases routed to them that are not
/// closed. A resolved case stays until it is closed (the call back, the customer's reply); once closed, or handed to
/// someone else, its customer leaves the handler's reach.
/// </summary>
internal sealed class VocHandlerReach : ICustomerReachSource
{
    public Role Role => Role.VocHandler;

    public IQueryable<long> CustomerIds(CrmDbContext db, long userId) =>
        db.VocCases.Where(v => v.OwnerUserId == userId && v.State != VocState.Closed && v.CustomerId != null).Select(v => v.CustomerId!.Value);
}
