fn main() {
    eprintln!("lambda-bench: the command-line front end is being written; use the library for now");
    std::process::exit(2);
}
