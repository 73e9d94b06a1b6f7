//! The TypeScript declarations of the workloads, generated from the catalogue
//! (`webpar::engine::declarations`, appended to the package's `webpar_core.d.ts` when it is
//! built): every workload by name with exactly its parameters, and input and output types
//! that src/web/boundary.d.ts declares.

#![cfg(not(target_arch = "wasm32"))]

/// The members of interface `name` in `declarations`, one per line.
fn members(declarations: &str, name: &str) -> Vec<String> {
    let start = declarations
        .find(&format!("export interface {name} {{\n"))
        .unwrap_or_else(|| panic!("no interface {name} in:\n{declarations}"));
    let body = &declarations[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find("\n}").unwrap()];
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn every_workload_is_declared_with_exactly_its_params() {
    let declared = members(&webpar::engine::declarations(), "WorkloadParams");
    // (The test below registers "3d_odd" meanwhile, maybe.)
    let names: Vec<&str> = declared
        .iter()
        .map(|line| line.split(':').next().unwrap())
        .filter(|name| *name != "\"3d_odd\"")
        .collect();
    let catalogue: Vec<&str> = webpar::engine::workloads()
        .iter()
        .map(|w| w.name)
        .filter(|name| *name != "3d_odd")
        .collect();
    assert_eq!(names, catalogue);
    assert!(declared.contains(&"primes: { below: number };".to_string()));
    assert!(declared
        .contains(&"mandelbrot: { width: number; height: number; max_iter: number };".to_string()));
    assert!(declared.contains(&"empty: Record<string, never>;".to_string()));
}

#[test]
fn every_input_form_is_declared_with_types_boundary_d_ts_has() {
    let boundary = include_str!("../src/web/boundary.d.ts");
    let generated = webpar::engine::declarations();
    let with_input: Vec<&str> = webpar::engine::workloads()
        .iter()
        .filter(|w| w.input.is_some())
        .map(|w| w.name)
        .collect();
    for interface in ["WorkloadInputs", "WorkloadOutputs"] {
        let declared = members(&generated, interface);
        let names: Vec<&str> = declared
            .iter()
            .map(|line| line.split(':').next().unwrap())
            .collect();
        assert_eq!(names, with_input, "{interface}");
        for line in &declared {
            let types = line.split_once(": ").unwrap().1.trim_end_matches(';');
            // The named types (an inline object type names only `number`, `string`, ...).
            let named = types
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .filter(|t| t.starts_with(|c: char| c.is_ascii_uppercase()));
            for name in named {
                assert!(
                    boundary.contains(&format!("export type {name} "))
                        || boundary.contains(&format!("export interface {name} ")),
                    "{interface}: {line}: boundary.d.ts declares no {name}"
                );
            }
        }
    }
}

#[test]
fn names_that_are_not_identifiers_are_quoted() {
    use webpar::engine::{register, Ctx, Kernel, Mode, ParamSpec, Workload};
    use webpar::kernels::Output;
    struct Odd;
    impl Kernel for Odd {
        const NAME: &'static str = "3d_odd";
        const DESCRIPTION: &'static str = "A name that starts with a digit.";
        const PARAMS: &'static [ParamSpec] = &[ParamSpec::integer("n", "n", 1, 9, 1)];
        fn run(_: &[u64], _: &Ctx, _: Mode) -> Result<Output, webpar::Error> {
            Ok(Output { checksum: 0 })
        }
    }
    static ODD: Workload = Workload::of::<Odd>();
    register(&ODD).unwrap();
    assert!(webpar::engine::declarations().contains("  \"3d_odd\": { n: number };\n"));
}
