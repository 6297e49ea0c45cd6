from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env")

    database_url: str
    redis_url: str = "redis://localhost:6379/0"
    celery_broker_url: str = "amqp://guest@localhost:5672//"
    cors_origins: str = "http://localhost:3000"


settings = Settings()
