using System.Security.Claims;
using InsureCrm.Core.Security;
using Microsoft.AspNetCore.Authorization;

namespace InsureCrm.Web.Security;

/// <summary>
/// One authorization policy per <see cref="Capability"/>, named like it ("customers:view"), requiring a
/// signed-in user whose role holds the capability. Every endpoint and page names one of them or allows
/// anonymous access explicitly (the authorization matrix test fails on a route that does neither). A
/// signed-in user without the capability gets 403; anonymous callers get 401 (APIs) or the login form (pages).
/// </summary>
internal static class CrmPolicies
{
    public static AuthorizationBuilder AddCrmPolicies(this AuthorizationBuilder builder)
    {
        foreach (var capability in Capability.All)
        {
            var roles = Capability.RolesFor(capability).Select(r => r.ToString()).ToArray();
            builder.AddPolicy(capability, p => p.RequireAuthenticatedUser().RequireClaim(ClaimTypes.Role, roles));
        }
        return builder;
    }

    public static IServiceCollection AddCrmCurrentUser(this IServiceCollection services) =>
        services.AddHttpContextAccessor().AddScoped<ICurrentUser, HttpCurrentUser>();
}
