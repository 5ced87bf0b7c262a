using InsureCrm.Core.CallCenter;
using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.CustomerView;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Imports;
using InsureCrm.Core.Models;
using InsureCrm.Core.Nightly;
using InsureCrm.Core.Orphans;
using InsureCrm.Core.Privacy;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Core.Value;
using InsureCrm.Core.Voc;
using InsureCrm.Core.Worklists;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Everything Core offers to the web host and the CLI alike: each feature registers its own services, listed here
    /// in the feature order of docs/decisions/0002-feature-order.md (Agents, Policies and Interactions have none).
    /// </summary>
    public static IServiceCollection AddCrmCore(this IServiceCollection services, IConfiguration configuration) => services
        .AddCommon(configuration)
        .AddSecurity(configuration)
        .AddCustomers(configuration)
        .AddIdentity(configuration)
        .AddContact(configuration)
        .AddImports(configuration)
        .AddPrivacy(configuration)
        .AddValue(configuration)
        .AddModels(configuration)
        .AddCampaigns(configuration)
        .AddWorklists(configuration)
        .AddOrphans(configuration)
        .AddCallCenter(configuration)
        .AddCallCenterInbound(configuration)
        .AddVoc(configuration)
        .AddCustomerView(configuration)
        .AddNightly(configuration)
        .AddSynthetic(configuration);
}
