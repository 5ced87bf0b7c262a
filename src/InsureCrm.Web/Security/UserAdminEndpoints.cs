using InsureCrm.Core.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InsureCrm.Web.Security;

/// <summary>A new account through the API.</summary>
internal sealed record CreateUserRequest(string? UserName, string? DisplayName, Role? Role, string? Password, string? AgentCode, string? BranchCode);

/// <summary>A role change (with the agent or branch the new role needs).</summary>
internal sealed record SetRoleRequest(Role? Role, string? AgentCode, string? BranchCode);

/// <summary>A password reset by an admin.</summary>
internal sealed record ResetPasswordRequest(string? Password);

/// <summary>
/// <c>/api/admin/users</c> and the admin page's form posts: account management for admins. The policy
/// keeps other roles out (403), and <see cref="AccountAdmin"/> checks the role again in Core, where every
/// grant, change and revocation is recorded in <c>access_right_change</c>.
/// </summary>
internal static class UserAdminEndpoints
{
    public static IEndpointRouteBuilder MapUserAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(Capability.AdminUsers);
        api.MapGet("/users", ListAsync).WithName("ListUsers");
        api.MapPost("/users", CreateAsync).WithName("CreateUser");
        api.MapPut("/users/{userName}/role", SetRoleAsync).WithName("SetUserRole");
        api.MapPost("/users/{userName}/deactivate", DeactivateAsync).WithName("DeactivateUser");
        api.MapPost("/users/{userName}/reactivate", ReactivateAsync).WithName("ReactivateUser");
        api.MapPost("/users/{userName}/password", ResetPasswordAsync).WithName("ResetUserPassword");
        api.MapGet("/access-rights", HistoryAsync).WithName("ListAccessRightChanges");

        var forms = app.MapGroup("/admin/users").ExcludeFromDescription().RequireAuthorization(Capability.AdminUsers);
        forms.MapPost("/create", CreateFormAsync);
        forms.MapPost("/role", RoleFormAsync);
        forms.MapPost("/deactivate", DeactivateFormAsync);
        forms.MapPost("/reactivate", ReactivateFormAsync);
        forms.MapPost("/password", PasswordFormAsync);
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<UserSummary>>, ProblemHttpResult>> ListAsync(AccountAdmin admin, ICurrentUser user, CancellationToken ct) =>
        await admin.ListAsync(Actor(user), ct) is { } list ? TypedResults.Ok(list) : Forbidden();

    private static async Task<Results<Ok<IReadOnlyList<AccessRightChange>>, ProblemHttpResult>> HistoryAsync(string? user, AccountAdmin admin, ICurrentUser current, CancellationToken ct) =>
        await admin.HistoryAsync(Actor(current), user, ct: ct) is { } list ? TypedResults.Ok(list) : Forbidden();

    private static async Task<Results<Created<UserSummary>, ProblemHttpResult>> CreateAsync(
        [FromBody] CreateUserRequest request, AccountAdmin admin, ICurrentUser user, CancellationToken ct)
    {
        if (request.Role is not { } role)
        {
            return Validation("role", "Required.");
        }
        var result = await admin.CreateAsync(Actor(user), new NewUser(request.UserName ?? "", request.DisplayName ?? "", role, request.Password ?? "", request.AgentCode, request.BranchCode), ct);
        if (!result.Succeeded)
        {
            return Problem(result);
        }
        var created = (await admin.ListAsync(Actor(user), ct))!.Single(u => u.Id == result.UserId);
        return TypedResults.Created($"/api/admin/users/{Uri.EscapeDataString(created.UserName)}", created);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetRoleAsync(
        string userName, [FromBody] SetRoleRequest request, AccountAdmin admin, ICurrentUser user, CancellationToken ct)
    {
        if (request.Role is not { } role)
        {
            return Validation("role", "Required.");
        }
        return Outcome(await admin.SetRoleAsync(Actor(user), userName, role, request.AgentCode, request.BranchCode, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeactivateAsync(string userName, AccountAdmin admin, ICurrentUser user, CancellationToken ct) =>
        Outcome(await admin.DeactivateAsync(Actor(user), userName, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> ReactivateAsync(string userName, AccountAdmin admin, ICurrentUser user, CancellationToken ct) =>
        Outcome(await admin.ReactivateAsync(Actor(user), userName, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> ResetPasswordAsync(
        string userName, [FromBody] ResetPasswordRequest request, AccountAdmin admin, ICurrentUser user, CancellationToken ct) =>
        Outcome(await admin.ResetPasswordAsync(Actor(user), userName, request.Password ?? "", ct));

    private static Task<RedirectHttpResult> CreateFormAsync(
        [FromForm] string? userName, [FromForm] string? displayName, [FromForm] string? role, [FromForm] string? password,
        [FromForm] string? agentCode, [FromForm] string? branchCode, AccountAdmin admin, ICurrentUser user, CancellationToken ct) =>
        FormAsync(userName, "created", () => admin.CreateAsync(Actor(user),
            new NewUser(userName ?? "", displayName ?? "", ParseRole(role), password ?? "", agentCode, branchCode), ct));

    private static Task<RedirectHttpResult> RoleFormAsync(
        [FromForm] string? userName, [FromForm] string? role, [FromForm] string? agentCode, [FromForm] string? branchCode,
        AccountAdmin admin, ICurrentUser user, CancellationToken ct) =>
        FormAsync(userName, "role", () => admin.SetRoleAsync(Actor(user), userName ?? "", ParseRole(role), agentCode, branchCode, ct));

    private static Task<RedirectHttpResult> DeactivateFormAsync([FromForm] string? userName, AccountAdmin admin, ICurrentUser user, CancellationToken ct) =>
        FormAsync(userName, "deactivated", () => admin.DeactivateAsync(Actor(user), userName ?? "", ct));

    private static Task<RedirectHttpResult> ReactivateFormAsync([FromForm] string? userName, AccountAdmin admin, ICurrentUser user, CancellationToken ct) =>
        FormAsync(userName, "reactivated", () => admin.ReactivateAsync(Actor(user), userName ?? "", ct));

    private static Task<RedirectHttpResult> PasswordFormAsync(
        [FromForm] string? userName, [FromForm] string? password, AccountAdmin admin, ICurrentUser user, CancellationToken ct) =>
        FormAsync(userName, "password", () => admin.ResetPasswordAsync(Actor(user), userName ?? "", password ?? "", ct));

    /// <summary>Post/redirect/get: the page shows the outcome from the query string, in the user's language.</summary>
    private static async Task<RedirectHttpResult> FormAsync(string? userName, string done, Func<Task<AccountResult>> action)
    {
        var result = await action();
        var user = Uri.EscapeDataString(userName ?? "");
        return TypedResults.LocalRedirect(result.Succeeded
            ? $"/admin/users?done={done}&user={user}"
            : $"/admin/users?error={result.Error}&user={user}" + (result.PasswordRules.Count > 0 ? "&rules=" + string.Join(',', result.PasswordRules) : ""));
    }

    private static Results<NoContent, ProblemHttpResult> Outcome(AccountResult result) =>
        result.Succeeded ? TypedResults.NoContent() : Problem(result);

    private static ProblemHttpResult Forbidden() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only an admin manages accounts.");

    private static ProblemHttpResult Problem(AccountResult result) => result.Error switch
    {
        AccountError.Forbidden => Forbidden(),
        AccountError.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such account."),
        AccountError.UserNameTaken => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The user name is taken: one account per person."),
        AccountError.PasswordPolicy => Validation("password", [.. result.PasswordRules.Select(r => r.ToString())]),
        AccountError.OwnAccount => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Admins cannot demote or deactivate their own account."),
        { } e => Validation(Field(e), e.ToString()),
        null => throw new InvalidOperationException("Not a failure."),
    };

    /// <summary>A 400 validation problem (errors by field) as a ProblemHttpResult, so every failure shares one result type.</summary>
    private static ProblemHttpResult Validation(string field, params string[] errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = errors }) { Status = StatusCodes.Status400BadRequest });

    private static string Field(AccountError error) => error switch
    {
        AccountError.UserNameInvalid => "userName",
        AccountError.DisplayNameInvalid => "displayName",
        AccountError.AgentRequired or AccountError.UnknownAgent => "agentCode",
        AccountError.BranchRequired or AccountError.UnknownBranch => "branchCode",
        _ => "request",
    };

    /// <summary>The chosen role; an unknown value falls back to a role with no access to accounts or individual customers.</summary>
    private static Role ParseRole(string? role) => Enum.TryParse<Role>(role, out var r) && Enum.IsDefined(r) ? r : Role.Analyst;

    private static CrmUser Actor(ICurrentUser user) =>
        user.User ?? throw new InvalidOperationException("No signed-in user: the endpoint requires an authorization policy.");
}
