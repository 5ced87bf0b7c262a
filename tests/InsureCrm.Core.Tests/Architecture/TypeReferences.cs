using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace InsureCrm.Tests.Architecture;

/// <summary>
/// Which of an assembly's own top-level types each of its top-level types references: through its base
/// type, interfaces, generic constraints, fields, properties, method signatures, attributes, locals and
/// every type, method and field its method bodies name. Nested types (lambdas' closures, iterators,
/// async state machines, extension blocks) count for the top-level type that declares them.
/// </summary>
internal sealed class TypeReferences
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    private readonly MetadataReader reader;
    private readonly PEReader pe;
    private readonly HandleCollector collector;

    private TypeReferences(PEReader pe)
    {
        this.pe = pe;
        reader = pe.GetMetadataReader();
        collector = new HandleCollector(reader);
    }

    /// <summary>Top-level type full name → the full names of the top-level types of the same assembly it references.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> ByType { get; private set; } = new Dictionary<string, IReadOnlySet<string>>();

    /// <summary>Names of the assemblies the assembly references.</summary>
    public IReadOnlyList<string> AssemblyReferences { get; private set; } = [];

    /// <summary>Namespaces of the types the assembly references in other assemblies.</summary>
    public IReadOnlySet<string> ExternalNamespaces { get; private set; } = new HashSet<string>();

    public static TypeReferences Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var references = new TypeReferences(pe);
        references.Collect();
        return references;
    }

    private void Collect()
    {
        AssemblyReferences = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();
        ExternalNamespaces = reader.TypeReferences.Select(h => reader.GetTypeReference(h))
            .Where(t => t.ResolutionScope.Kind == HandleKind.AssemblyReference)
            .Select(t => reader.GetString(t.Namespace))
            .ToHashSet();

        var byType = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var handle in reader.TypeDefinitions)
        {
            var owner = TopLevel(handle);
            var ownerName = FullName(owner);
            if (!byType.TryGetValue(ownerName, out var targets))
            {
                byType[ownerName] = targets = new HashSet<string>(StringComparer.Ordinal);
            }

            foreach (var target in ReferencedBy(handle))
            {
                var top = TopLevel(target);
                if (top != owner)
                {
                    targets.Add(FullName(top));
                }
            }
        }

        ByType = byType.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value, StringComparer.Ordinal);
    }

    private List<TypeDefinitionHandle> ReferencedBy(TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var found = new List<TypeDefinitionHandle>();
        collector.AddType(type.BaseType, found);
        foreach (var i in type.GetInterfaceImplementations())
        {
            collector.AddType(reader.GetInterfaceImplementation(i).Interface, found);
        }

        foreach (var p in type.GetGenericParameters())
        {
            AddConstraints(p, found);
        }

        AddAttributes(type.GetCustomAttributes(), found);
        foreach (var f in type.GetFields())
        {
            var field = reader.GetFieldDefinition(f);
            found.AddRange(field.DecodeSignature(collector, null));
            AddAttributes(field.GetCustomAttributes(), found);
        }

        foreach (var p in type.GetProperties())
        {
            var property = reader.GetPropertyDefinition(p);
            var signature = property.DecodeSignature(collector, null);
            found.AddRange(signature.ReturnType);
            found.AddRange(signature.ParameterTypes.SelectMany(t => t));
            AddAttributes(property.GetCustomAttributes(), found);
        }

        foreach (var m in type.GetMethods())
        {
            var method = reader.GetMethodDefinition(m);
            var signature = method.DecodeSignature(collector, null);
            found.AddRange(signature.ReturnType);
            found.AddRange(signature.ParameterTypes.SelectMany(t => t));
            AddAttributes(method.GetCustomAttributes(), found);
            foreach (var p in method.GetGenericParameters())
            {
                AddConstraints(p, found);
            }

            if (method.RelativeVirtualAddress != 0)
            {
                AddBody(pe.GetMethodBody(method.RelativeVirtualAddress), found);
            }
        }

        return found;
    }

    private void AddConstraints(GenericParameterHandle handle, List<TypeDefinitionHandle> found)
    {
        foreach (var c in reader.GetGenericParameter(handle).GetConstraints())
        {
            collector.AddType(reader.GetGenericParameterConstraint(c).Type, found);
        }
    }

    private void AddAttributes(CustomAttributeHandleCollection attributes, List<TypeDefinitionHandle> found)
    {
        foreach (var a in attributes)
        {
            collector.AddMember(reader.GetCustomAttribute(a).Constructor, found);
        }
    }

    private void AddBody(MethodBodyBlock body, List<TypeDefinitionHandle> found)
    {
        if (!body.LocalSignature.IsNil)
        {
            var locals = reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(collector, null);
            found.AddRange(locals.SelectMany(t => t));
        }

        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE)
            {
                code = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            switch (OperandTypes[code])
            {
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    collector.AddMember(MetadataTokens.EntityHandle(il.ReadInt32()), found);
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32(); // read before the offset it moves
                    il.Offset += targets * 4;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineBrTarget:
                case OperandType.InlineI:
                case OperandType.InlineSig:
                case OperandType.InlineString:
                case OperandType.ShortInlineR:
                    il.Offset += 4;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineNone:
                    break;
                default:
                    throw new InvalidOperationException($"unknown operand type of IL opcode 0x{code:X}");
            }
        }
    }

    private TypeDefinitionHandle TopLevel(TypeDefinitionHandle handle)
    {
        var declaring = reader.GetTypeDefinition(handle).GetDeclaringType();
        return declaring.IsNil ? handle : TopLevel(declaring);
    }

    private string FullName(TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var ns = reader.GetString(type.Namespace);
        var name = reader.GetString(type.Name);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>Decodes signatures into the assembly's own type definitions they mention.</summary>
    private sealed class HandleCollector(MetadataReader reader) : ISignatureTypeProvider<ImmutableArray<TypeDefinitionHandle>, object?>
    {
        private static readonly ImmutableArray<TypeDefinitionHandle> None = [];

        public void AddType(EntityHandle handle, List<TypeDefinitionHandle> found)
        {
            if (handle.IsNil)
            {
                return;
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    found.Add((TypeDefinitionHandle)handle);
                    break;
                case HandleKind.TypeSpecification:
                    found.AddRange(reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null));
                    break;
                default:
                    break; // a TypeReference names another assembly's type
            }
        }

        public void AddMember(EntityHandle handle, List<TypeDefinitionHandle> found)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                case HandleKind.TypeSpecification:
                case HandleKind.TypeReference:
                    AddType(handle, found);
                    break;
                case HandleKind.FieldDefinition:
                    var field = reader.GetFieldDefinition((FieldDefinitionHandle)handle);
                    found.Add(field.GetDeclaringType());
                    found.AddRange(field.DecodeSignature(this, null));
                    break;
                case HandleKind.MethodDefinition:
                    var method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                    found.Add(method.GetDeclaringType());
                    AddMethodSignature(method.DecodeSignature(this, null), found);
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    AddMember(member.Parent, found);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        AddMethodSignature(member.DecodeMethodSignature(this, null), found);
                    }
                    else
                    {
                        found.AddRange(member.DecodeFieldSignature(this, null));
                    }

                    break;
                case HandleKind.MethodSpecification:
                    var spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddMember(spec.Method, found);
                    found.AddRange(spec.DecodeSignature(this, null).SelectMany(t => t));
                    break;
                default:
                    break; // module references, method parents of vararg calls: nothing of ours
            }
        }

        private static void AddMethodSignature(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature, List<TypeDefinitionHandle> found)
        {
            found.AddRange(signature.ReturnType);
            found.AddRange(signature.ParameterTypes.SelectMany(t => t));
        }

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle handle, byte rawTypeKind) => [handle];

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromReference(MetadataReader r, TypeReferenceHandle handle, byte rawTypeKind) => None;

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromSpecification(MetadataReader r, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            r.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public ImmutableArray<TypeDefinitionHandle> GetArrayType(ImmutableArray<TypeDefinitionHandle> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetByReferenceType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPointerType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetSZArrayType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPinnedType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetGenericInstantiation(ImmutableArray<TypeDefinitionHandle> genericType, ImmutableArray<ImmutableArray<TypeDefinitionHandle>> typeArguments) =>
            genericType.AddRange(typeArguments.SelectMany(t => t));

        public ImmutableArray<TypeDefinitionHandle> GetModifiedType(ImmutableArray<TypeDefinitionHandle> modifier, ImmutableArray<TypeDefinitionHandle> unmodifiedType, bool isRequired) => unmodifiedType;

        public ImmutableArray<TypeDefinitionHandle> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature) =>
            signature.ReturnType.AddRange(signature.ParameterTypes.SelectMany(t => t));

        public ImmutableArray<TypeDefinitionHandle> GetGenericMethodParameter(object? genericContext, int index) => None;

        public ImmutableArray<TypeDefinitionHandle> GetGenericTypeParameter(object? genericContext, int index) => None;

        public ImmutableArray<TypeDefinitionHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => None;
    }
}
